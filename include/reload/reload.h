/* reload.h: the C ABI of reload-xmpp, for game engines and other languages.
 *
 * A reload_node is a RELOAD overlay peer (RFC 6940) with, optionally, one XMPP device on it
 * (XEP-0415). It owns its event loop and runs only inside reload_node_poll() (never blocks:
 * call it once a frame) or reload_node_run_for(); every callback is called from inside
 * those, on the calling thread. Use one reload_node from one thread at a time.
 *
 * Options are strings set by name before reload_node_start(), so that new options never
 * change this ABI. Functions return 0 on success and a negative RELOAD_E_* value on
 * failure, with reload_node_error() saying why in one line. No function throws.
 *
 *   reload_node* n = reload_node_new();
 *   reload_node_set(n, "state-dir", "/home/me/.game/reload");
 *   reload_node_set(n, "config", "https://overlay.example:8443/.well-known/reload-config");
 *   reload_node_set(n, "user", "romeo");  reload_node_set(n, "password", "...");
 *   reload_node_set(n, "xmpp-resource", "game");
 *   reload_node_on_message(n, on_message, game);
 *   reload_node_start(n);
 *   every frame: reload_node_poll(n);  ...  reload_node_send_message(n, "juliet@capulet.lit", "hi");
 *   on exit: reload_node_stop(n); poll until reload_node_state(n) == RELOAD_STATE_STOPPED; reload_node_free(n);
 */
#ifndef RELOAD_RELOAD_H
#define RELOAD_RELOAD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct reload_node reload_node;

enum {
  RELOAD_OK = 0,
  RELOAD_E_ARGUMENT = -1, /* an unknown option, a malformed value, a NULL */
  RELOAD_E_STATE = -2,    /* not possible in the node's state (e.g. an option set after start) */
  RELOAD_E_SEND = -3      /* the stanza was refused at once (malformed address or XML, not joined) */
};

enum {
  RELOAD_STATE_IDLE = 0,
  RELOAD_STATE_STARTING = 1,
  RELOAD_STATE_JOINED = 2,
  RELOAD_STATE_STOPPING = 3,
  RELOAD_STATE_STOPPED = 4
};

enum {
  RELOAD_LOG_DEBUG = 0,
  RELOAD_LOG_INFO = 1,
  RELOAD_LOG_WARNING = 2,
  RELOAD_LOG_ERROR = 3
};

/* Events: `subject` and `detail` depend on the type (NULL when unused). */
enum {
  RELOAD_EVENT_STARTED = 1,      /* start finished: detail NULL on success, else why it failed */
  RELOAD_EVENT_STOPPED = 2,      /* stop finished, or the node went */
  RELOAD_EVENT_LINK_UP = 3,      /* subject: the peer's Node-ID (hex) */
  RELOAD_EVENT_LINK_DOWN = 4,
  RELOAD_EVENT_NEIGHBORS = 5,    /* the ring around the node changed */
  RELOAD_EVENT_APP_ATTACHED = 6, /* subject: the peer's Node-ID; detail: "LOCAL REMOTE" candidate types */
  RELOAD_EVENT_DEVICE_UP = 7,    /* subject: a user's bare JID; detail: "NODE-ID LOCAL REMOTE" */
  RELOAD_EVENT_DEVICE_DOWN = 8,  /* subject: a user's bare JID; detail: its Node-ID */
  RELOAD_EVENT_UNDELIVERABLE = 9 /* subject: the recipient; detail: why */
};

/* Message flags. */
enum {
  RELOAD_MESSAGE_SENT_CARBON = 1,    /* another device of this user sent it; `from` is that device, `to` the recipient */
  RELOAD_MESSAGE_RECEIVED_CARBON = 2 /* delivered to another device of this user */
};

typedef void (*reload_log_fn)(void* user_data, int level, const char* line);
typedef void (*reload_event_fn)(void* user_data, int type, const char* subject, const char* detail);
/* A stanza for this device: a message's sender and recipient (full JIDs), its body (empty
 * when it has none), the whole stanza as XML, and RELOAD_MESSAGE_* flags. */
typedef void (*reload_message_fn)(void* user_data, const char* from, const char* to, const char* body,
                                  const char* stanza_xml, int flags);

reload_node* reload_node_new(void);
/* Abandons a node that still runs (no Leave: call reload_node_stop first) and frees it. */
void reload_node_free(reload_node* node);

/* Options (before reload_node_start):
 *   "config"           the overlay configuration: a file, or an https:// URL of an enrollment server's document
 *   "state-dir"        where the identity is kept across runs
 *   "user", "password" enrollment credentials; "ca-file" the enrollment server's CA (PEM file)
 *   "identity-document", "identity-key", "identity-certificate"
 *                      an identity held in memory (document XML, key and certificate PEM) instead of a state dir
 *   "listen"           ADDR:PORT for overlay links (default 127.0.0.1:0)
 *   "bootstrap"        ADDR:PORT to join through; repeat to add more (default: the document's)
 *   "create"           "1": start a new overlay when no bootstrap peer answers
 *   "join-timeout"     seconds (default 60)
 *   "ice-address"      an address for ICE host candidates; repeat to add more
 *   "stun"             ADDR:PORT of a STUN server
 *   "ice-thread"       "1" (default): libnice on a thread of its own; "0": inside reload_node_poll
 *                      too (no thread hand-over per packet: the lowest latency)
 *   "log-level"        "debug", "info", "warning" or "error"
 *   "xmpp-resource"    run an XMPP device with this resource (the user is the certificate's XMPP address)
 *   "xmpp-dial-in-order" "1": AppAttach a user's devices one after another by ascending priority
 *                      (XEP-0415 section 6.1) instead of all at once
 * Booleans are "1" or "true", "0" or "false"; anything else is RELOAD_E_ARGUMENT.
 */
int reload_node_set(reload_node* node, const char* option, const char* value);
void reload_node_on_log(reload_node* node, reload_log_fn fn, void* user_data);
void reload_node_on_event(reload_node* node, reload_event_fn fn, void* user_data);
void reload_node_on_message(reload_node* node, reload_message_fn fn, void* user_data);

/* Starts: the identity, listening, joining. RELOAD_EVENT_STARTED tells how it went. */
int reload_node_start(reload_node* node);
/* Removes the XMPP location, leaves, closes the links. RELOAD_EVENT_STOPPED when done. */
int reload_node_stop(reload_node* node);
/* Runs what is ready; never waits. Returns how many handlers ran. */
int reload_node_poll(reload_node* node);
/* Runs for at most `milliseconds`, waiting for work. Returns how many handlers ran. */
int reload_node_run_for(reload_node* node, int milliseconds);

int reload_node_send_message(reload_node* node, const char* to, const char* body);
int reload_node_send_stanza(reload_node* node, const char* stanza_xml);

/* AppAttach streams (RFC 6940 section 6.5.2): a byte stream straight to another peer, over
 * the flow ICE chose, with TLS whose certificate carries that peer's Node-ID. Callbacks run
 * inside reload_node_poll and reload_node_run_for. A stream is the library's until
 * reload_stream_close(), which ends and frees it; no callback names it after that. */
typedef struct reload_stream reload_stream;
/* A stream opened (error NULL) or an AppAttach that failed (stream NULL, error says why). */
typedef void (*reload_stream_fn)(void* user_data, reload_stream* stream, const char* error);
/* Bytes that arrived (valid during the call); size 0 once the stream has ended. */
typedef void (*reload_stream_data_fn)(void* user_data, reload_stream* stream, const unsigned char* data, size_t size);

/* Dials the peer whose Node-ID is `node_id` (hex) for `application`. */
int reload_node_app_attach(reload_node* node, const char* node_id, unsigned short application, reload_stream_fn fn,
                           void* user_data);
/* Streams other peers open for `application` go to `fn` (once started and joined). */
int reload_node_listen(reload_node* node, unsigned short application, reload_stream_fn fn, void* user_data);
/* Starts reading: every chunk that arrives goes to `fn`. */
void reload_stream_on_data(reload_stream* stream, reload_stream_data_fn fn, void* user_data);
/* Copies `data` and sends it after what was sent before. RELOAD_E_STATE once the stream ended. */
int reload_stream_send(reload_stream* stream, const void* data, size_t size);
const char* reload_stream_peer(const reload_stream* stream); /* the peer's Node-ID, hex */
void reload_stream_close(reload_stream* stream);

int reload_node_state(const reload_node* node);
/* Strings owned by the node, valid until the next call on it. */
const char* reload_node_id(reload_node* node);   /* hex; empty before the identity is read */
const char* reload_node_jid(reload_node* node);  /* the XMPP device's full JID; empty without one */
const char* reload_node_error(reload_node* node); /* the last failure, one line */
/* How many devices of `bare_jid` have a stream open to this device. */
int reload_node_connected_devices(reload_node* node, const char* bare_jid);

#ifdef __cplusplus
}
#endif

#endif
