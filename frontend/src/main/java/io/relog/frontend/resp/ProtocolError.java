package io.relog.frontend.resp;

/**
 * What the request decoder emits when a client breaks the protocol: the error to reply
 * ({@code ERR Protocol error: ...}, without the leading {@code -}), after which the connection is
 * closed. It travels in order with the commands decoded before it, so those are answered first.
 */
public record ProtocolError(String message) {
}
