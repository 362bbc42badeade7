/**
 * RESP on the wire: framing client requests and encoding replies in RESP2 or RESP3.
 *
 * <p>Redis' behaviour is the specification, including for malformed input: the same limits
 * ({@code proto-max-bulk-len}, 64 KiB inline and count lines, the tighter limits before
 * authentication) and the same error texts, written once before the connection is closed. The
 * decoder never allocates because of a declared length; it allocates an argument once its bytes
 * have arrived, so a client announcing {@code $2147483648} costs nothing until it sends data.
 *
 * <p>Replies are written by the engine through the engine's {@code Reply} interface; RESP3-only
 * types degrade to their RESP2 forms exactly as Redis 7.0 does, so command code never branches on
 * the protocol.
 */
package io.relog.frontend.resp;
