package io.runcell.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The one writer of an SQLite database (which allows a single writer at a time), with group commit. A write
 * that finds the database free runs at once on the caller's thread, in its own transaction. Writes that arrive
 * while another is running queue up, and a writer thread runs everything queued in one transaction, each write
 * inside its own savepoint (one failing write is rolled back alone, the others commit): under load one commit
 * serves many writes, and no caller waits behind a queue of single commits. A caller returns only after its
 * write is committed.
 *
 * <p>Every write runs on the writer's one connection, opened on first use and kept (reopened if it breaks), with its
 * prepared statements kept in a {@link StatementCache}: SQLite compiles a statement on every prepare.
 *
 * <p>Thread-safe. {@link #close()} fails writes still queued and closes the connection.
 */
final class SerialWriter implements AutoCloseable {

    /** A unit of writing: one statement, or several that apply together. Must not commit or roll back. */
    @FunctionalInterface
    interface Write<T> {
        T apply(Connection c) throws SQLException;
    }

    static final int MAX_BATCH = 256;

    private final DataSource connections;
    private final ReentrantLock lock = new ReentrantLock();
    // guarded by lock
    private Connection connection;
    private StatementCache statements;
    private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /** @param connections where the writer opens its connection: a plain, unpooled source of the database */
    SerialWriter(DataSource connections) {
        this.connections = connections;
        this.thread = Thread.ofPlatform().daemon().name("runcell-sqlite-writer").start(this::run);
    }

    /**
     * Runs {@code write} and returns its result once it is committed. {@code grouped} writes (several statements)
     * run in a transaction of their own when run at once; single statements are committed as they run.
     *
     * @throws SQLException the write's own failure (its effects are rolled back)
     */
    <T> T write(boolean grouped, Write<T> write) throws SQLException {
        if (lock.tryLock()) {
            try {
                return runOn(open(), grouped, write);
            } catch (SQLException e) {
                dropIfBroken();
                throw e;
            } finally {
                lock.unlock();
            }
        }
        Pending<T> pending = new Pending<>(write);
        queue.add(pending);
        if (closed) {
            // close() may have drained the queue before this write arrived
            pending.fail(new SQLException("the store is closed"));
        }
        return pending.await();
    }

    /** Runs {@code write} on a connection of its own: committed as it runs, or in one transaction if grouped. */
    static <T> T runAlone(DataSource dataSource, boolean grouped, Write<T> write) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return runOn(c, grouped, write);
        }
    }

    private static <T> T runOn(Connection c, boolean grouped, Write<T> write) throws SQLException {
        if (!grouped) {
            return write.apply(c);
        }
        c.setAutoCommit(false);
        try {
            T result = write.apply(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * The statement cache of {@code c} if it is the writer's connection (a write running now, under the lock), else
     * null.
     */
    StatementCache statementsOf(Connection c) {
        return c == connection && lock.isHeldByCurrentThread() ? statements : null;
    }

    /** The writer's connection, opened if there is none. Call under the lock. */
    private Connection open() throws SQLException {
        if (closed) {
            throw new SQLException("the store is closed");
        }
        if (connection == null) {
            connection = connections.getConnection();
            statements = new StatementCache(connection);
        }
        return connection;
    }

    /** After a failed write: forgets the connection if it no longer works, so the next write opens a new one. */
    private void dropIfBroken() {
        try {
            if (connection != null && !connection.isValid(1)) {
                closeConnection();
            }
        } catch (SQLException e) {
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection == null) {
            return;
        }
        statements.close();
        try {
            connection.close();
        } catch (SQLException e) {
            // already unusable
        }
        connection = null;
        statements = null;
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>();
        try {
            while (!closed) {
                batch.add(queue.take());
                queue.drainTo(batch, MAX_BATCH - 1);
                lock.lock();
                try {
                    commit(batch);
                } finally {
                    lock.unlock();
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            // closing
        }
        SQLException gone = new SQLException("the store is closed");
        batch.forEach(p -> p.fail(gone));
        queue.forEach(p -> p.fail(gone));
    }

    private void commit(List<Pending<?>> batch) {
        try {
            Connection c = open();
            c.setAutoCommit(false);
            try {
                for (Pending<?> p : batch) {
                    p.runIn(c);
                }
                c.commit();
                batch.forEach(Pending::publish);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                batch.forEach(p -> p.fail(e));
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException e) {
            batch.forEach(p -> p.fail(e));
            dropIfBroken();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        lock.lock();
        try {
            closeConnection();
        } finally {
            lock.unlock();
        }
    }

    /** A queued write: run inside the batch's transaction, its outcome published after the commit. */
    private static final class Pending<T> {
        private final Write<T> write;
        private final CompletableFuture<T> done = new CompletableFuture<>();
        private T result;
        private Exception failure;

        Pending(Write<T> write) {
            this.write = write;
        }

        /** Runs the write in its own savepoint; its failure undoes it alone. */
        void runIn(Connection c) throws SQLException {
            Savepoint before = c.setSavepoint();
            try {
                result = write.apply(c);
                c.releaseSavepoint(before);
            } catch (SQLException | RuntimeException e) {
                c.rollback(before);
                c.releaseSavepoint(before);
                failure = e;
            }
        }

        void publish() {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(result);
            }
        }

        void fail(Exception e) {
            done.completeExceptionally(e);
        }

        T await() throws SQLException {
            try {
                return done.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw e;
            }
        }
    }
}
