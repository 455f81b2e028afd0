package io.xk6neo4j.testenv;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.configuration.ssl.ClientAuth;
import org.neo4j.configuration.ssl.SslPolicyConfig;
import org.neo4j.configuration.ssl.SslPolicyScope;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

/**
 * Starts an embedded Neo4j DBMS with Bolt on 127.0.0.1:PORT for the load tests, sets the
 * passwords of the test users, then writes a ready file and waits for SIGTERM.
 *
 * <p>On a fresh store the password of neo4j is in place before the DBMS starts (the initial
 * user file that {@code neo4j-admin dbms set-initial-password} writes), so Bolt never accepts
 * a login while neo4j still has its default, change-required password. A kept store (./start
 * with NEO4J_KEEP_DATA=1) already has its users and passwords.
 *
 * <p>Non-secret options come as arguments (they show up in ps, which ./stop uses to recognise
 * the process); passwords only come from the environment (NEO4J_PASSWORD, NEO4J_PASSWORD2,
 * NEO4J_PASSWORD3), never from argv, and are never printed.
 *
 * <p>Arguments: --home DIR --logs DIR --port N --ready FILE --pagecache SIZE
 * [--tls-dir DIR --tls-level OPTIONAL|REQUIRED --tls-work DIR] [--bolt-threads N] [--auth none]
 */
public final class Launcher {
    private static final String HOST = "127.0.0.1";

    private Launcher() {}

    public static void main(String[] argv) {
        try {
            run(parse(argv));
        } catch (Throwable t) {
            System.err.println("LAUNCHER FAILED: " + t);
            t.printStackTrace();
            // halt, not exit: exit would wait for the shutdown hook, which waits for the latch.
            Runtime.getRuntime().halt(1);
        }
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("bad argument: " + a);
            }
            opts.put(a.substring(2), argv[++i]);
        }
        for (String k : List.of("home", "logs", "port", "ready", "pagecache")) {
            if (!opts.containsKey(k)) {
                throw new IllegalArgumentException("missing --" + k);
            }
        }
        return opts;
    }

    private static void run(Map<String, String> o) throws Exception {
        int port = Integer.parseInt(o.get("port"));
        Path home = Path.of(o.get("home")).toAbsolutePath();
        Path logs = Path.of(o.get("logs")).toAbsolutePath();
        Path ready = Path.of(o.get("ready")).toAbsolutePath();
        String pw1 = requireEnv("NEO4J_PASSWORD");
        String pw2 = envOr("NEO4J_PASSWORD2", pw1);
        String pw3 = envOr("NEO4J_PASSWORD3", pw1);

        // A store that was kept (a restart after a crash or ./stop with NEO4J_KEEP_DATA=1)
        // already has a system database with its users; only a fresh one needs the file.
        boolean fresh = !Files.exists(home.resolve("data").resolve("databases").resolve("system"));
        if (fresh) {
            writeInitialPassword(home, pw1);
        }

        SocketAddress bolt = new SocketAddress(HOST, port);
        DatabaseManagementServiceBuilder b = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.logs_directory, logs)
                // Auth is off by default when embedded; the tests need real logins, except
                // the test of the 'none' auth scheme, which asks for --auth none.
                .setConfig(GraphDatabaseSettings.auth_enabled, !"none".equals(o.get("auth")))
                .setConfig(GraphDatabaseSettings.pagecache_memory, parseBytes(o.get("pagecache")))
                // Fresh small data dir per start: no need to preallocate or keep old tx logs.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                // Never phone home: the test machines only talk to loopback.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(HOST))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                // Default 400 would reject busy connections beyond that during load tests.
                .setConfig(BoltConnector.thread_pool_max_size,
                        Integer.parseInt(o.getOrDefault("bolt-threads", "1000")))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false);
        // 2025.x+ only (absent in 5.26): Bolt "fleet discovery" sends UDP broadcasts on the
        // network; the tests must only talk to loopback.
        setIfPresent(b, BoltConnector.class.getName(), "enable_discovery", false);
        // Internal settings (5s each by default) that make every stop wait ~10s for idle
        // Bolt connections and threads; tests stop and start often, so keep it short.
        String internal = "org.neo4j.configuration.connectors.BoltConnectorInternalSettings";
        setIfPresent(b, internal, "connection_shutdown_wait_time", Duration.ofSeconds(1));
        setIfPresent(b, internal, "thread_pool_shutdown_wait_time", Duration.ofSeconds(1));

        String tlsDir = o.get("tls-dir");
        if (tlsDir != null) {
            Path dir = Path.of(tlsDir).toAbsolutePath();
            // trusted/ and revoked/ only matter for client certificates (not used); point them
            // at empty dirs of our own so the caller's directory is only read.
            Path work = Path.of(o.get("tls-work")).toAbsolutePath();
            Files.createDirectories(work.resolve("trusted"));
            Files.createDirectories(work.resolve("revoked"));
            SslPolicyConfig ssl = SslPolicyConfig.forScope(SslPolicyScope.BOLT);
            b.setConfig(ssl.enabled, true)
                    .setConfig(ssl.base_directory, dir)
                    .setConfig(ssl.private_key, dir.resolve("private.key"))
                    .setConfig(ssl.public_certificate, dir.resolve("public.crt"))
                    .setConfig(ssl.trusted_dir, work.resolve("trusted"))
                    .setConfig(ssl.revoked_dir, work.resolve("revoked"))
                    .setConfig(ssl.client_auth, ClientAuth.NONE)
                    .setConfig(BoltConnector.encryption_level,
                            BoltConnector.EncryptionLevel.valueOf(
                                    o.getOrDefault("tls-level", "OPTIONAL").toUpperCase(Locale.ROOT)));
        } else {
            b.setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED);
        }

        DatabaseManagementService dbms = b.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(ready);
            } catch (IOException ignored) {
                // best effort: ./stop removes the run dir anyway
            }
            System.out.println("SHUTDOWN: stopping the DBMS");
            dbms.shutdown();
            System.out.println("SHUTDOWN: done");
            stopped.countDown();
        }, "neo4j-shutdown"));

        GraphDatabaseService system = dbms.database("system");
        if (fresh) {
            // The initial user file must have taken: neo4j with a usable password from the
            // first login on. Fail the start loudly rather than serve a locked account.
            boolean changeRequired = system.executeTransactionally(
                    "SHOW USERS YIELD user, passwordChangeRequired WHERE user = 'neo4j' "
                            + "RETURN passwordChangeRequired AS r",
                    Map.of(), r -> r.hasNext() && Boolean.TRUE.equals(r.next().get("r")));
            if (changeRequired) {
                throw new IllegalStateException("neo4j still has its initial password: the initial user file was not read");
            }
        } else {
            // Kept store: its passwords may come from another NEO4J_PASSWORD.
            setPassword(system, "neo4j", pw1);
        }
        for (String[] u : new String[][] {{"loadtest2", pw2}, {"loadtest3", pw3}}) {
            system.executeTransactionally(
                    "CREATE USER " + u[0] + " IF NOT EXISTS SET PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", u[1]));
            if (!fresh) {
                setPassword(system, u[0], u[1]);
            }
        }

        GraphDatabaseService neo4j = dbms.database("neo4j");
        if (!neo4j.isAvailable(Duration.ofSeconds(60).toMillis())) {
            throw new IllegalStateException("database neo4j did not become available");
        }
        neo4j.executeTransactionally("RETURN 1");
        waitForBolt(port);

        // On neo4j, not system: 5.26 refuses WHERE/RETURN expressions on the system database.
        String version = neo4j.executeTransactionally(
                "CALL dbms.components() YIELD name, versions, edition "
                        + "WHERE name = 'Neo4j Kernel' RETURN versions[0] + ' ' + edition AS v",
                Map.of(), r -> r.hasNext() ? String.valueOf(r.next().get("v")) : "unknown");

        // Atomic rename so ./start never reads a half-written file.
        Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(tmp, version + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("READY neo4j " + version + " bolt://" + HOST + ":" + port
                + (tlsDir != null ? " tls=" + o.getOrDefault("tls-level", "OPTIONAL") : ""));
        System.out.flush();

        stopped.await(); // until SIGTERM runs the shutdown hook
    }

    /**
     * Writes the initial user file (data/dbms/auth.ini) with neo4j's password, as
     * {@code neo4j-admin dbms set-initial-password} does: the DBMS reads it when it makes the
     * system database, so neo4j never exists with the default password.
     */
    private static void writeInitialPassword(Path home, String password) throws Exception {
        Config cfg = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
        Path file = CommunitySecurityModule.getInitialUserRepositoryFile(cfg);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        FileUserRepository repo = new FileUserRepository(new DefaultFileSystemAbstraction(), file,
                NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
        repo.start();
        try {
            byte[] pw = password.getBytes(StandardCharsets.UTF_8);
            repo.create(new User("neo4j", null,
                    SystemGraphCredential.createCredentialForPassword(pw, new SecureHasher()), false, false));
        } finally {
            repo.shutdown();
        }
    }

    /** Sets a user's password on a kept store; the same password again is not an error. */
    private static void setPassword(GraphDatabaseService system, String user, String pw) {
        try {
            system.executeTransactionally(
                    "ALTER USER " + user + " SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", pw));
        } catch (RuntimeException e) {
            // Neo4j refuses to set the password a user already has; that is the usual case.
            String m = String.valueOf(e.getMessage());
            if (!m.contains("cannot be the same")) {
                throw e;
            }
        }
    }

    /** Bolt is bound once build() returns; this only confirms it accepts TCP. */
    private static void waitForBolt(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Bolt does not accept on " + HOST + ":" + port, e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Sets a setting that only some Neo4j versions have (looked up by class and field name). */
    @SuppressWarnings("unchecked")
    private static <T> void setIfPresent(DatabaseManagementServiceBuilder b, String holder,
            String field, T value) throws IllegalAccessException {
        try {
            Object s = Class.forName(holder).getField(field).get(null);
            b.setConfig((Setting<T>) s, value);
        } catch (ClassNotFoundException | NoSuchFieldException absent) {
            // this version does not have it: nothing to set
            System.out.println("note: " + holder + "." + field + " not in this version, not set");
        }
    }

    private static String requireEnv(String name) {
        String v = System.getenv(name);
        if (v == null || v.length() < 8) {
            throw new IllegalArgumentException(name + " must be set (at least 8 characters)");
        }
        return v;
    }

    private static String envOr(String name, String dflt) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        if (v.length() < 8) {
            throw new IllegalArgumentException(name + " must have at least 8 characters");
        }
        return v;
    }

    /** "128m" -> bytes; k/m/g suffixes, plain number = bytes. */
    static long parseBytes(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'b') {
            t = t.substring(0, t.length() - 1);
            last = t.charAt(t.length() - 1);
        }
        switch (last) {
            case 'k': mult = 1L << 10; break;
            case 'm': mult = 1L << 20; break;
            case 'g': mult = 1L << 30; break;
            default: break;
        }
        if (mult != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * mult;
    }
}
