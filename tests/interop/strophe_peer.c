/* The libstrophe end of the interop test (strophe_test.py): a raw XMPP stream over direct
 * TLS to our StreamAcceptor, as XEP-0415 section 6.1 wants it (TLS at once, no STARTTLS, no
 * SASL, no resource binding), with the client certificate stream_peer wrote.
 *
 * libstrophe's usual client path negotiates STARTTLS, SASL and binding; its raw mode
 * (xmpp_connect_raw) stops after TCP and leaves the rest to us: TLS with xmpp_conn_tls_start
 * and a stream header of our choosing with xmpp_conn_open_stream. Its JID comes from the
 * certificate's id-on-xmppAddr (libstrophe reads it when no JID is set).
 *
 * It prints one line per event (secured, open, received <body>, disconnected) and, on the
 * first message, answers and closes the stream.
 *
 *   strophe_peer PORT DIR TO_JID      (DIR holds ca.pem, client.pem, client.key)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

static const char *to_jid;
static int answered;
static int exit_code = 1;

static int on_certfail(const xmpp_tlscert_t *cert, const char *const errormsg)
{
    /* The certificate is one of the overlay's: chained to ca.pem, an empty subject, and no
     * DNS name for libstrophe to match its JID's domain against (RELOAD names peers by
     * Node-ID). The chain itself must verify: accept only the missing host name. */
    (void)cert;
    printf("certfail %s\n", errormsg);
    fflush(stdout);
    return strstr(errormsg, "hostname mismatch") != NULL;
}

static int on_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    xmpp_ctx_t *ctx = userdata;
    xmpp_stanza_t *body = xmpp_stanza_get_child_by_name(stanza, "body");
    char *text = body ? xmpp_stanza_get_text(body) : NULL;
    printf("received %s\n", text ? text : "(no body)");
    fflush(stdout);
    if (text)
        xmpp_free(ctx, text);
    if (!answered) {
        answered = 1;
        xmpp_stanza_t *reply = xmpp_message_new(ctx, "chat", to_jid, "s1");
        xmpp_message_set_body(reply, "hello back from libstrophe");
        xmpp_send(conn, reply);
        xmpp_stanza_release(reply);
        /* Our closing tag; the other end answers with its own (RFC 6120 section 4.4). */
        xmpp_disconnect(conn);
    }
    return 1;
}

static void on_connection(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
                          xmpp_stream_error_t *stream_error, void *userdata)
{
    xmpp_ctx_t *ctx = userdata;
    switch (event) {
    case XMPP_CONN_RAW_CONNECT: {
        /* Direct TLS: the handshake comes first, before any XMPP byte. */
        if (xmpp_conn_tls_start(conn) != XMPP_EOK || !xmpp_conn_is_secured(conn)) {
            printf("tls failed\n");
            fflush(stdout);
            xmpp_disconnect(conn);
            xmpp_stop(ctx);
            return;
        }
        printf("secured\n");
        char *attributes[] = {
            "xmlns",        "jabber:client",
            "xmlns:stream", "http://etherx.jabber.org/streams",
            "from",         (char *)xmpp_conn_get_jid(conn),
            "to",           (char *)to_jid,
            "version",      "1.0",
        };
        printf("from %s\n", xmpp_conn_get_jid(conn));
        fflush(stdout);
        if (xmpp_conn_open_stream(conn, attributes,
                                  sizeof(attributes) / sizeof(attributes[0])) != XMPP_EOK) {
            printf("open_stream failed\n");
            xmpp_stop(ctx);
        }
        return;
    }
    case XMPP_CONN_CONNECT:
        printf("open\n");
        fflush(stdout);
        xmpp_handler_add(conn, on_message, NULL, "message", NULL, ctx);
        return;
    case XMPP_CONN_DISCONNECT:
    case XMPP_CONN_FAIL:
        printf("disconnected error=%d stream_error=%s\n", error,
               stream_error ? "yes" : "no");
        fflush(stdout);
        if (answered && error == 0 && !stream_error)
            exit_code = 0;
        xmpp_stop(ctx);
        return;
    }
}

static int give_up(xmpp_ctx_t *ctx, void *userdata)
{
    (void)userdata;
    printf("timed out\n");
    fflush(stdout);
    xmpp_stop(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: strophe_peer PORT DIR TO_JID\n");
        return 2;
    }
    const unsigned short port = (unsigned short)atoi(argv[1]);
    const char *dir = argv[2];
    to_jid = argv[3];
    char ca[4096], cert[4096], key[4096];
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    snprintf(cert, sizeof cert, "%s/client.pem", dir);
    snprintf(key, sizeof key, "%s/client.key", dir);

    xmpp_initialize();
    xmpp_log_t *log = getenv("STROPHE_DEBUG") ? xmpp_get_default_logger(XMPP_LEVEL_DEBUG) : NULL;
    xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, log);
    xmpp_conn_t *conn = xmpp_conn_new(ctx);
    xmpp_conn_set_client_cert(conn, cert, key);
    xmpp_conn_set_cafile(conn, ca);
    xmpp_conn_set_certfail_handler(conn, on_certfail);
    xmpp_global_timed_handler_add(ctx, give_up, 15000, NULL);

    int rc = xmpp_connect_raw(conn, "127.0.0.1", port, on_connection, ctx);
    if (rc != XMPP_EOK) {
        printf("connect_raw failed %d\n", rc);
        exit_code = 1;
    } else {
        xmpp_run(ctx);
    }
    xmpp_conn_release(conn);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return exit_code;
}
