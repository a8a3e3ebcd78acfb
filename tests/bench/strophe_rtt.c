/* The Prosody side of xmpp_vs_prosody.py: an ordinary XMPP client (libstrophe: STARTTLS,
 * SASL, resource binding) logged in to a Prosody server on loopback.
 *
 *   strophe_rtt JID PASSWORD PORT echo
 *       answers every chat message with the same body, to its sender; prints "ready" once
 *       online, exits after its stream closes.
 *   strophe_rtt JID PASSWORD PORT ping PEER_JID COUNT
 *       sends COUNT chat messages one after another, each once the previous one's echo came
 *       back, and prints "rtt_us N" for each round trip, then "done" and exits.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strophe.h>

static const char* mode;
static const char* peer;
static int count, sent, exit_code = 1;
static struct timespec sent_at;
static double* rtts;

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void send_next(xmpp_conn_t* conn, xmpp_ctx_t* ctx) {
  char body[64];
  xmpp_stanza_t* m = xmpp_message_new(ctx, "chat", peer, NULL);
  snprintf(body, sizeof body, "ping %d", sent);
  xmpp_message_set_body(m, body);
  clock_gettime(CLOCK_MONOTONIC, &sent_at);
  xmpp_send(conn, m);
  xmpp_stanza_release(m);
  ++sent;
}

static int on_message(xmpp_conn_t* conn, xmpp_stanza_t* stanza, void* userdata) {
  xmpp_ctx_t* ctx = userdata;
  char* text = xmpp_message_get_body(stanza);
  const char* type = xmpp_stanza_get_type(stanza);
  if (!text || (type && strcmp(type, "error") == 0)) {
    if (text) xmpp_free(ctx, text);
    return 1;
  }
  if (strcmp(mode, "echo") == 0) {
    xmpp_stanza_t* reply = xmpp_message_new(ctx, "chat", xmpp_stanza_get_from(stanza), NULL);
    xmpp_message_set_body(reply, text);
    xmpp_send(conn, reply);
    xmpp_stanza_release(reply);
  } else {
    /* Kept, and printed at the end: a line per round trip would wake the reader each time. */
    rtts[sent - 1] = now_us() - (sent_at.tv_sec * 1e6 + sent_at.tv_nsec / 1e3);
    if (sent < count) {
      send_next(conn, ctx);
    } else {
      int i;
      for (i = 0; i < count; ++i) printf("rtt_us %.1f\n", rtts[i]);
      printf("done\n");
      exit_code = 0;
      xmpp_disconnect(conn);
    }
  }
  fflush(stdout);
  xmpp_free(ctx, text);
  return 1;
}

static void on_connection(xmpp_conn_t* conn, xmpp_conn_event_t event, int error, xmpp_stream_error_t* stream_error,
                          void* userdata) {
  xmpp_ctx_t* ctx = userdata;
  (void)error;
  (void)stream_error;
  if (event == XMPP_CONN_CONNECT) {
    xmpp_stanza_t* presence = xmpp_presence_new(ctx);
    xmpp_handler_add(conn, on_message, NULL, "message", NULL, ctx);
    xmpp_send(conn, presence);
    xmpp_stanza_release(presence);
    printf("ready\n");
    fflush(stdout);
    if (strcmp(mode, "ping") == 0) send_next(conn, ctx);
  } else {
    if (strcmp(mode, "echo") == 0) exit_code = 0;
    xmpp_stop(ctx);
  }
}

static int trust_any(const xmpp_tlscert_t* cert, const char* const errormsg) {
  (void)cert;
  (void)errormsg;
  return 1; /* the benchmark's own self-signed certificate on loopback */
}

int main(int argc, char** argv) {
  xmpp_ctx_t* ctx;
  xmpp_conn_t* conn;
  if (argc < 5 || (strcmp(argv[4], "ping") == 0 && argc != 7)) {
    fprintf(stderr, "usage: strophe_rtt JID PASSWORD PORT echo|ping [PEER_JID COUNT]\n");
    return 2;
  }
  mode = argv[4];
  if (strcmp(mode, "ping") == 0) {
    peer = argv[5];
    count = atoi(argv[6]);
    rtts = calloc((size_t)count + 1, sizeof *rtts);
  }
  xmpp_initialize();
  ctx = xmpp_ctx_new(NULL, NULL);
  conn = xmpp_conn_new(ctx);
  xmpp_conn_set_jid(conn, argv[1]);
  xmpp_conn_set_pass(conn, argv[2]);
  xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS);
  xmpp_conn_set_certfail_handler(conn, trust_any);
  if (xmpp_connect_client(conn, "127.0.0.1", (unsigned short)atoi(argv[3]), on_connection, ctx) != XMPP_EOK) {
    fprintf(stderr, "cannot connect\n");
    return 1;
  }
  xmpp_run(ctx);
  xmpp_conn_release(conn);
  xmpp_ctx_free(ctx);
  xmpp_shutdown();
  return exit_code;
}
