package io.relog.engine.command;

import io.relog.engine.Engine;
import io.relog.engine.Session;

/**
 * The implementation of one command. Called on the engine thread only, after the command table
 * has checked arity. {@code argv[0]} is the command name as the client sent it.
 */
@FunctionalInterface
public interface CommandHandler {
    void execute(Engine engine, Session session, byte[][] argv, Reply reply);
}
