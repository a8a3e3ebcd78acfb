/* An engine-side client in C, built out of the tree against the installed reload.h and
 * library (pkg-config reload-xmpp): it joins, runs an XMPP device, and answers every chat
 * message with "echo: " + its body, to the sender's full JID, polling once a frame. It also
 * listens for AppAttach streams of application 7000 and sends back every byte, until the
 * stream ends. After COUNT messages and one stream (and a second for stragglers) it stops,
 * polls until stopped, and frees.
 *
 *   echo_bot CONFIG_URL CA_FILE USER PASSWORD STATE_DIR BOOTSTRAP RESOURCE COUNT
 *
 * It also checks the ABI's refusals: an unknown option, a boolean that is not 1/0/true/false,
 * an option after start, a message to a malformed JID. Exit 0 and "OK" when all went as expected.
 */
#define _POSIX_C_SOURCE 199309L /* nanosleep */
#include <reload/reload.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int received = 0, started = 0, start_failed = 0, stopped = 0, devices_up = 0;
static int streams_echoed = 0, listening = 0;
static size_t stream_bytes = 0;

/* AppAttach streams for application 7000: every byte sent back; counted once it ends. */
static void on_stream_data(void* user, reload_stream* stream, const unsigned char* data, size_t size) {
  (void)user;
  if (size == 0) {
    ++streams_echoed;
    printf("echo_bot: a stream from %s ended after %zu bytes\n", reload_stream_peer(stream), stream_bytes);
    reload_stream_close(stream);
    return;
  }
  stream_bytes += size;
  if (reload_stream_send(stream, data, size) != RELOAD_OK) printf("echo_bot: could not echo on a stream\n");
}

static void on_stream(void* user, reload_stream* stream, const char* error) {
  (void)user;
  if (!stream) {
    printf("echo_bot: a stream failed: %s\n", error);
    return;
  }
  reload_stream_on_data(stream, on_stream_data, NULL);
}

static void sleep_frame(void) {
  struct timespec t = {0, 16 * 1000 * 1000};
  nanosleep(&t, NULL);
}

static void on_event(void* user, int type, const char* subject, const char* detail) {
  (void)user;
  if (type == RELOAD_EVENT_STARTED) {
    if (detail) {
      start_failed = 1;
      printf("echo_bot: start failed: %s\n", detail);
    } else {
      started = 1;
      printf("echo_bot: joined\n");
    }
  } else if (type == RELOAD_EVENT_STOPPED) {
    stopped = 1;
  } else if (type == RELOAD_EVENT_DEVICE_UP) {
    ++devices_up;
    printf("echo_bot: device of %s up: %s\n", subject, detail);
  }
  fflush(stdout);
}

static void on_log(void* user, int level, const char* line) {
  (void)user;
  (void)level;
  printf("echo_bot: node: %s\n", line);
  fflush(stdout);
}

static void on_message(void* user, const char* from, const char* to, const char* body, const char* xml, int flags) {
  reload_node* node = (reload_node*)user;
  char reply[1200];
  (void)to;
  (void)xml;
  if (flags != 0 || body[0] == '\0' || strncmp(body, "echo: ", 6) == 0) return;
  ++received;
  snprintf(reply, sizeof reply, "echo: %s", body);
  if (reload_node_send_message(node, from, reply) != RELOAD_OK)
    printf("echo_bot: could not answer %s: %s\n", from, reload_node_error(node));
}

int main(int argc, char** argv) {
  reload_node* node;
  int count, frames = 0, after = 0;
  if (argc != 9) {
    fprintf(stderr, "usage: echo_bot CONFIG_URL CA_FILE USER PASSWORD STATE_DIR BOOTSTRAP RESOURCE COUNT\n");
    return 2;
  }
  count = atoi(argv[8]);
  node = reload_node_new();
  if (reload_node_set(node, "no-such-option", "1") != RELOAD_E_ARGUMENT) {
    printf("FAIL: an unknown option was accepted\n");
    return 1;
  }
  printf("echo_bot: an unknown option: %s\n", reload_node_error(node));
  if (reload_node_set(node, "xmpp-dial-in-order", "yes") != RELOAD_E_ARGUMENT) {
    printf("FAIL: a boolean option took 'yes'\n");
    return 1;
  }
  printf("echo_bot: a boolean option set to 'yes': %s\n", reload_node_error(node));
  reload_node_set(node, "config", argv[1]);
  reload_node_set(node, "ca-file", argv[2]);
  reload_node_set(node, "user", argv[3]);
  reload_node_set(node, "password", argv[4]);
  reload_node_set(node, "state-dir", argv[5]);
  reload_node_set(node, "bootstrap", argv[6]);
  reload_node_set(node, "xmpp-resource", argv[7]);
  /* ECHO_BOT_LOG=info shows the node's own lines. */
  reload_node_set(node, "log-level", getenv("ECHO_BOT_LOG") && strcmp(getenv("ECHO_BOT_LOG"), "info") == 0 ? "info" : "warning");
  reload_node_on_log(node, on_log, NULL);
  reload_node_on_event(node, on_event, node);
  reload_node_on_message(node, on_message, node);
  if (reload_node_start(node) != RELOAD_OK) {
    printf("FAIL: start: %s\n", reload_node_error(node));
    return 1;
  }
  if (reload_node_set(node, "listen", "127.0.0.1:0") != RELOAD_E_STATE) {
    printf("FAIL: an option was accepted after start\n");
    return 1;
  }
  while (!start_failed && frames < 90 * 60) {
    reload_node_poll(node);
    ++frames;
    if (started && !listening) {
      if (reload_node_listen(node, 7000, on_stream, NULL) != RELOAD_OK) {
        printf("FAIL: listen: %s\n", reload_node_error(node));
        return 1;
      }
      listening = 1;
    }
    if (started && frames % 60 == 0 && reload_node_send_message(node, "not a jid@", "x") != RELOAD_E_SEND) {
      printf("FAIL: a malformed JID was accepted\n");
      return 1;
    }
    if (received >= count && streams_echoed >= 1 && ++after > 60) break;
    sleep_frame();
  }
  if (start_failed || received != count || streams_echoed != 1) {
    printf("FAIL: %d of %d messages received, %d AppAttach stream(s) echoed\n", received, count, streams_echoed);
    return 1;
  }
  printf("echo_bot: %s answered %d messages; %d device stream(s) came up\n", reload_node_jid(node), received, devices_up);
  reload_node_stop(node);
  for (frames = 0; !stopped && frames < 10 * 60; ++frames) {
    reload_node_poll(node);
    sleep_frame();
  }
  if (!stopped || reload_node_state(node) != RELOAD_STATE_STOPPED) {
    printf("FAIL: not stopped within 10 s\n");
    return 1;
  }
  reload_node_free(node);
  printf("OK\n");
  return 0;
}
