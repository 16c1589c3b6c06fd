/* jobs.h: an ordered parallel loop (jobs.c). */
#ifndef SIGMACC_JOBS_H
#define SIGMACC_JOBS_H

#include <pthread.h>

/* What one loop runs: work(ctx, worker, i) for every i in [0, n) on up to
 * nworkers threads, the calling thread one of them (worker: 0 .. nworkers-1,
 * one call at a time per worker), and consume(ctx, i) on the calling thread in
 * the order of i, each after its work. Only consume may touch shared state or print, so the effects are in
 * the same order whatever the number of threads. */
struct jobs {
	int n, nworkers;
	int window;	/* items worked ahead of consume at most (bounds their memory) */
	void (*work)(void *ctx, int worker, int i);
	void (*consume)(void *ctx, int i);
	void *ctx;
};

/* Starts fn(arg) on a thread that never takes SIGINT, SIGTERM or SIGHUP (they go
 * to the calling thread, whose signal handler may remove what it creates); 0 or
 * pthread_create's error. */
int jobs_thread(pthread_t *t, void *(*fn)(void *), void *arg);
/* Runs the loop; with one worker (or if no thread can be started) without threads. */
void jobs_run(const struct jobs *j);
/* The number of CPUs online (at least 1): the default of -j. */
int jobs_cpus(void);

#endif
