/*
 * RTP load generator for bench/media-relay.ts (compiled by it with gcc -O2).
 *
 * For each call it opens two UDP sockets on 127.0.0.1 (caller, agent); every 20 ms each sends a
 * 172-byte PCMU packet (12-byte RTP header + 160 bytes) to its relay port, staggered over the
 * 20 ms so calls do not all fire at once. The payload starts with the send time (CLOCK_MONOTONIC
 * ns) and a stream id; a receiver thread (epoll) reads what the relay forwards to the other
 * socket of the call and histograms the one-way latency through the relay.
 *
 * Input (stdin): one line per call "callerTargetPort agentTargetPort". Args: seconds warmupSeconds.
 * Output (stdout, one JSON line): sent, received, lost, latency percentiles (µs), own CPU time.
 * Bounded: exits after `seconds` (max 120) whatever happens.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CALLS 4000
#define PKT 172
#define HIST_US 200000 /* 200 ms in 1 µs buckets */

static int ncalls;
static int socks[MAX_CALLS * 2];
static struct sockaddr_in targets[MAX_CALLS * 2];
static volatile int running = 1;
static uint64_t warmup_end_ns, end_ns;
static uint64_t sent_measured, recv_measured, recv_total, late_or_bad;
static uint32_t *hist;
static uint64_t hist_over;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void *receiver(void *arg) {
  (void)arg;
  int ep = epoll_create1(0);
  for (int i = 0; i < ncalls * 2; i++) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, socks[i], &ev);
  }
  struct epoll_event evs[256];
  unsigned char buf[2048];
  while (running) {
    int n = epoll_wait(ep, evs, 256, 50);
    for (int k = 0; k < n; k++) {
      int s = socks[evs[k].data.u32];
      for (;;) {
        ssize_t r = recv(s, buf, sizeof buf, MSG_DONTWAIT);
        if (r < 0) break;
        uint64_t t = now_ns();
        recv_total++;
        if (r != PKT) {
          late_or_bad++;
          continue;
        }
        uint64_t sent;
        memcpy(&sent, buf + 12, 8);
        if (sent < warmup_end_ns || sent > end_ns) continue;
        recv_measured++;
        uint64_t us = (t - sent) / 1000;
        if (us < HIST_US)
          hist[us]++;
        else
          hist_over++;
      }
    }
  }
  close(ep);
  return NULL;
}

static uint64_t percentile(double p) {
  uint64_t total = hist_over;
  for (int i = 0; i < HIST_US; i++) total += hist[i];
  uint64_t want = (uint64_t)(p * (double)total), acc = 0;
  for (int i = 0; i < HIST_US; i++) {
    acc += hist[i];
    if (acc > want) return (uint64_t)i;
  }
  return HIST_US;
}

int main(int argc, char **argv) {
  int seconds = argc > 1 ? atoi(argv[1]) : 10;
  int warmup = argc > 2 ? atoi(argv[2]) : 2;
  if (seconds < 1) seconds = 1;
  if (seconds > 120) seconds = 120;
  int a, b;
  while (ncalls < MAX_CALLS && scanf("%d %d", &a, &b) == 2) {
    for (int side = 0; side < 2; side++) {
      int i = ncalls * 2 + side;
      socks[i] = socket(AF_INET, SOCK_DGRAM, 0);
      int rcv = 1 << 20;
      setsockopt(socks[i], SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
      struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = 0};
      inet_pton(AF_INET, "127.0.0.1", &me.sin_addr);
      if (bind(socks[i], (struct sockaddr *)&me, sizeof me) != 0) {
        perror("bind");
        return 1;
      }
      targets[i].sin_family = AF_INET;
      targets[i].sin_port = htons((uint16_t)(side == 0 ? a : b));
      inet_pton(AF_INET, "127.0.0.1", &targets[i].sin_addr);
    }
    ncalls++;
  }
  hist = calloc(HIST_US, sizeof *hist);
  uint64_t start = now_ns();
  warmup_end_ns = start + (uint64_t)warmup * 1000000000ull;
  end_ns = start + (uint64_t)seconds * 1000000000ull;
  pthread_t th;
  pthread_create(&th, NULL, receiver, NULL);

  unsigned char pkt[PKT];
  memset(pkt, 0xff, sizeof pkt);
  uint16_t seq[MAX_CALLS * 2];
  uint32_t ts[MAX_CALLS * 2];
  for (int i = 0; i < ncalls * 2; i++) {
    seq[i] = (uint16_t)(i * 7);
    ts[i] = (uint32_t)i * 1000u;
  }
  const int slots = 20; /* 1 ms slots in a 20 ms period */
  uint64_t next = start;
  int slot = 0;
  uint64_t errors = 0;
  while (next < end_ns) {
    struct timespec due = {.tv_sec = (time_t)(next / 1000000000ull), .tv_nsec = (long)(next % 1000000000ull)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
    for (int c = slot; c < ncalls; c += slots) {
      for (int side = 0; side < 2; side++) {
        int i = c * 2 + side;
        pkt[0] = 0x80;
        pkt[1] = 0;
        pkt[2] = (unsigned char)(seq[i] >> 8);
        pkt[3] = (unsigned char)seq[i];
        uint32_t t = ts[i];
        pkt[4] = (unsigned char)(t >> 24);
        pkt[5] = (unsigned char)(t >> 16);
        pkt[6] = (unsigned char)(t >> 8);
        pkt[7] = (unsigned char)t;
        uint32_t ssrc = 0x10000000u + (uint32_t)i;
        pkt[8] = (unsigned char)(ssrc >> 24);
        pkt[9] = (unsigned char)(ssrc >> 16);
        pkt[10] = (unsigned char)(ssrc >> 8);
        pkt[11] = (unsigned char)ssrc;
        uint64_t s = now_ns();
        memcpy(pkt + 12, &s, 8);
        memcpy(pkt + 20, &i, 4);
        if (sendto(socks[i], pkt, PKT, 0, (struct sockaddr *)&targets[i], sizeof targets[i]) != PKT) errors++;
        else if (s >= warmup_end_ns) sent_measured++;
        seq[i]++;
        ts[i] += 160;
      }
    }
    slot = (slot + 1) % slots;
    next += 1000000ull; /* 1 ms */
  }
  /* let in-flight packets arrive */
  struct timespec grace = {.tv_sec = 0, .tv_nsec = 300000000};
  nanosleep(&grace, NULL);
  running = 0;
  pthread_join(th, NULL);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
               ru.ru_stime.tv_usec / 1e6;
  uint64_t lost = sent_measured > recv_measured ? sent_measured - recv_measured : 0;
  printf("{\"calls\":%d,\"sent\":%llu,\"received\":%llu,\"lost\":%llu,\"lossPct\":%.4f,\"sendErrors\":%llu,"
         "\"badSize\":%llu,\"p50Us\":%llu,\"p99Us\":%llu,\"p999Us\":%llu,\"maxOver200ms\":%llu,"
         "\"cpuSeconds\":%.3f,\"wallSeconds\":%.3f}\n",
         ncalls, (unsigned long long)sent_measured, (unsigned long long)recv_measured, (unsigned long long)lost,
         sent_measured ? 100.0 * (double)lost / (double)sent_measured : 0.0, (unsigned long long)errors,
         (unsigned long long)late_or_bad, (unsigned long long)percentile(0.50), (unsigned long long)percentile(0.99),
         (unsigned long long)percentile(0.999), (unsigned long long)hist_over, cpu, (now_ns() - start) / 1e9);
  for (int i = 0; i < ncalls * 2; i++) close(socks[i]);
  free(hist);
  return 0;
}
