/*
 * jobs.c: an ordered parallel loop. Workers take the next item under a mutex
 * and mark it done; the calling thread consumes items strictly in order. A
 * worker waits while it is `window` items ahead of the consumer, so results
 * waiting to be consumed stay bounded however large the loop.
 */
#include "jobs.h"
#include "base.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct pool {
	const struct jobs *j;
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* broadcast on every change: few threads wait on it */
	bool *done;
	int next, consumed;
};

struct worker {
	struct pool *p;
	int id;
};

static void *
jobs_worker(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->p;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->next < p->j->n && p->next >= p->consumed + p->j->window)
			pthread_cond_wait(&p->cv, &p->mu);
		int i = p->next < p->j->n ? p->next++ : -1;
		pthread_mutex_unlock(&p->mu);
		if (i < 0)
			return NULL;
		p->j->work(p->j->ctx, w->id, i);
		pthread_mutex_lock(&p->mu);
		p->done[i] = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

static void
jobs_inline(const struct jobs *j)
{
	for (int i = 0; i < j->n; i++) {
		j->work(j->ctx, 0, i);
		j->consume(j->ctx, i);
	}
}

void
jobs_run(const struct jobs *j)
{
	int nw = j->nworkers < j->n ? j->nworkers : j->n;
	if (nw <= 1 || j->window < 1) {
		jobs_inline(j);
		return;
	}
	struct pool p = {.j = j, .done = mem_calloc((size_t)j->n, sizeof(bool))};
	pthread_t *tid = mem_calloc((size_t)nw, sizeof(*tid));
	struct worker *w = mem_calloc((size_t)nw, sizeof(*w));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	int started = 0;
	for (int k = 0; k < nw; k++) {
		w[k] = (struct worker){&p, k};
		if (pthread_create(&tid[k], NULL, jobs_worker, &w[k]))
			break;
		started++;
	}
	if (!started) {
		pthread_mutex_destroy(&p.mu);
		pthread_cond_destroy(&p.cv);
		free(p.done);
		free(tid);
		free(w);
		jobs_inline(j);
		return;
	}
	for (int i = 0; i < j->n; i++) {
		pthread_mutex_lock(&p.mu);
		while (!p.done[i])
			pthread_cond_wait(&p.cv, &p.mu);
		pthread_mutex_unlock(&p.mu);
		j->consume(j->ctx, i);
		pthread_mutex_lock(&p.mu);
		p.consumed = i + 1;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
	}
	for (int k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	free(p.done);
	free(tid);
	free(w);
}

int
jobs_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}
