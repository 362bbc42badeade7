/**
 * Black-box integration suite: real clients (Jedis, Lettuce over RESP2 and RESP3, Debian's
 * {@code redis-cli}, and a bare socket where a library would hide the bytes) against a server
 * started fresh per test class by {@link io.relog.frontend.it.ServerUnderTest}.
 *
 * <h2>Why two targets</h2>
 * Redis' behaviour is the specification, so every expectation here is first proven against
 * Debian's real redis-server 7.0.15, then the same suite runs against Relog:
 * <pre>
 *   mvn -q -pl frontend -am test -Drelog.it.target=redis   # /usr/bin/redis-server as a child process
 *   mvn -q -pl frontend -am test                           # Relog in-process (the default, relog)
 *   mvn -q -pl frontend -am test -Dtest=KeyCommandsIT -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Both modes must be green. The few tests of behaviour one side lacks say so with an
 * assumption: Relog-only (Redis 7.2's CLIENT SETINFO and NO-TOUCH, the {@code relog_version}
 * INFO field) or Redis 7.0-only (its "unknown subcommand" replies to those two).
 *
 * <h2>Rules of the suite</h2>
 * <ul>
 *   <li>Each test starts from FLUSHALL on a fresh connection in db 0 ({@link
 *       io.relog.frontend.it.AbstractServerIT}); a test that changes server state (CONFIG SET)
 *       restores it in {@code finally}, and one that needs its own server (SHUTDOWN, requirepass,
 *       enable-debug-command) starts one with {@link io.relog.frontend.it.ServerUnderTest#start}.</li>
 *   <li>Timing is awaited with Awaitility, never slept for.</li>
 *   <li>Error texts are compared exactly.</li>
 * </ul>
 * The classes are named {@code *IT}; frontend's pom adds {@code **}{@code /*IT.java} to
 * Surefire's includes so {@code mvn test} runs them with the unit tests.
 */
package io.relog.frontend.it;
