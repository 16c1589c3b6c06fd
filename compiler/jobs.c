/*
 * jobs.c: an ordered parallel loop. Workers take the next item under a mutex
 * and mark it done; the calling thread consumes items strictly in order, and
 * works items itself while none is ready to consume, so N workers are N - 1
 * threads and the caller: no more threads than CPUs. A worker waits while it
 * is `window` items ahead of the consumer, so results waiting to be consumed
 * stay bounded however large the loop.
 *
 * Threads sleep and wake in batches of a quarter window: the consumer sleeps
 * (when every item is taken) until the items it waits for are done up to a
 * batch ahead, a worker that found the window full until the consumer has
 * freed a batch of it. Each wake is a system call and a context switch, so
 * waking per item would cost more than a small rule's work.
 */
#include "jobs.h"
#include "base.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct pool {
	const struct jobs *j;
	pthread_mutex_t mu;
	pthread_cond_t room;	/* workers sleep here while the window is full */
	pthread_cond_t ready;	/* the consumer sleeps here for done items */
	bool *done;
	int next;	/* the next item to take */
	int frontier;	/* every item below it is done */
	int consumed;	/* every item below it is consumed */
	int want;	/* the consumer sleeps until frontier reaches it (0: it does not sleep) */
	int resume;	/* sleeping workers wake when consumed reaches it */
	int blocked;	/* workers asleep on room */
	int batch;
};

struct worker {
	struct pool *p;
	int id;
};

/* Item i worked by worker id: marked done, the consumer woken if it waits for it. */
static void
work_one(struct pool *p, int id, int i)
{
	p->j->work(p->j->ctx, id, i);
	pthread_mutex_lock(&p->mu);
	p->done[i] = true;
	while (p->frontier < p->j->n && p->done[p->frontier])
		p->frontier++;
	if (p->want && p->frontier >= p->want)
		pthread_cond_signal(&p->ready);
	pthread_mutex_unlock(&p->mu);
}

static void *
jobs_worker(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->p;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->next < p->j->n && p->next >= p->consumed + p->j->window) {
			p->blocked++;
			p->resume = p->next - p->j->window + p->batch;
			pthread_cond_wait(&p->room, &p->mu);
			p->blocked--;
		}
		int i = p->next < p->j->n ? p->next++ : -1;
		pthread_mutex_unlock(&p->mu);
		if (i < 0)
			return NULL;
		work_one(p, w->id, i);
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

/* The calling thread, worker id: consumes every done item in order and frees
 * their room; while none is ready it takes the next item itself, and sleeps only
 * when every item is taken. */
static void
jobs_consume(struct pool *p, int id)
{
	const struct jobs *j = p->j;
	for (int i = 0; i < j->n;) {
		pthread_mutex_lock(&p->mu);
		if (p->frontier <= i && p->next < j->n && p->next < i + j->window) {
			int mine = p->next++;
			pthread_mutex_unlock(&p->mu);
			work_one(p, id, mine);
			continue;
		}
		while (p->frontier <= i) {
			p->want = i + p->batch < j->n ? i + p->batch : j->n;
			pthread_cond_wait(&p->ready, &p->mu);
		}
		p->want = 0;
		int upto = p->frontier;
		pthread_mutex_unlock(&p->mu);
		for (; i < upto; i++)
			j->consume(j->ctx, i);
		pthread_mutex_lock(&p->mu);
		p->consumed = upto;
		if (p->blocked && (p->consumed >= p->resume || p->consumed == j->n))
			pthread_cond_broadcast(&p->room);
		pthread_mutex_unlock(&p->mu);
	}
}

int
jobs_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	/* The thread never takes SIGINT, SIGTERM or SIGHUP: the handler a build installs
	 * (outdir.c) removes the temporaries the calling thread stages, and taken by
	 * another thread it would run while that one went on creating them. Blocked
	 * there, the kernel delivers them to a thread that does not block them: the caller. */
	sigset_t quiet, old;
	sigemptyset(&quiet);
	sigaddset(&quiet, SIGINT);
	sigaddset(&quiet, SIGTERM);
	sigaddset(&quiet, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &quiet, &old);
	int e = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);	/* the thread keeps the blocked mask */
	return e;
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
	p.batch = j->window / 4 > 1 ? j->window / 4 : 1;
	pthread_t *tid = mem_calloc((size_t)nw, sizeof(*tid));
	struct worker *w = mem_calloc((size_t)nw, sizeof(*w));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.room, NULL);
	pthread_cond_init(&p.ready, NULL);
	int started = 0;
	for (int k = 0; k < nw - 1; k++) {	/* worker nw - 1 is the calling thread */
		w[k] = (struct worker){&p, k};
		if (jobs_thread(&tid[k], jobs_worker, &w[k]))
			break;
		started++;
	}
	if (started)
		jobs_consume(&p, nw - 1);
	for (int k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.room);
	pthread_cond_destroy(&p.ready);
	free(p.done);
	free(tid);
	free(w);
	if (!started)
		jobs_inline(j);
}

int
jobs_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}
