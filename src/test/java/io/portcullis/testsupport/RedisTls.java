package io.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for Redis over TLS in tests, made with {@code openssl} in a temporary directory: a CA, a server
 * certificate for {@code 127.0.0.1} (every node of a rig shares it) and a client certificate, both signed by
 * the CA, with their keys (the client's also as unencrypted PKCS#8, as {@code redis.tls.key-file} wants it).
 * Gives the {@code redis-server}, Sentinel and {@code redis-cli} options that require TLS with a client
 * certificate ({@code tls-auth-clients yes}) and TLS between the servers ({@code tls-replication},
 * {@code tls-cluster}). Immutable once made.
 */
public final class RedisTls {
    private final Path dir;

    private RedisTls(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA and the certificates (about a second of openssl). */
    public static RedisTls create() {
        try {
            RedisTls tls = new RedisTls(Files.createTempDirectory("portcullis-tls"));
            tls.openssl(
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "1",
                    "-subj",
                    "/CN=test-ca",
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem");
            for (String name : List.of("server", "client")) {
                tls.openssl(
                        "req",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-subj",
                        "/CN=" + name,
                        "-keyout",
                        name + ".key",
                        "-out",
                        name + ".csr");
                Files.writeString(tls.dir.resolve(name + ".ext"), "subjectAltName=IP:127.0.0.1\n");
                tls.openssl(
                        "x509",
                        "-req",
                        "-in",
                        name + ".csr",
                        "-CA",
                        "ca.pem",
                        "-CAkey",
                        "ca.key",
                        "-CAcreateserial",
                        "-days",
                        "1",
                        "-extfile",
                        name + ".ext",
                        "-out",
                        name + ".pem");
                tls.openssl("pkcs8", "-topk8", "-nocrypt", "-in", name + ".key", "-out", name + ".p8.key");
            }
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path clientCertificate() {
        return dir.resolve("client.pem");
    }

    /** The client's key as unencrypted PKCS#8. */
    public Path clientKey() {
        return dir.resolve("client.p8.key");
    }

    /**
     * {@code redis-server} options: TLS on {@code tlsPort} with a client certificate required, and TLS to the
     * primary when replicating. The plain port stays open on loopback for the rig's own commands.
     */
    public List<String> serverArguments(int tlsPort) {
        return List.of(
                "--tls-port",
                Integer.toString(tlsPort),
                "--tls-cert-file",
                dir.resolve("server.pem").toString(),
                "--tls-key-file",
                dir.resolve("server.key").toString(),
                "--tls-ca-cert-file",
                ca().toString(),
                "--tls-auth-clients",
                "yes",
                "--tls-replication",
                "yes");
    }

    /** The same as lines of a {@code sentinel.conf}: a Sentinel talks to the servers over TLS too. */
    public List<String> sentinelLines(int tlsPort) {
        List<String> lines = new ArrayList<>();
        List<String> arguments = serverArguments(tlsPort);
        for (int i = 0; i < arguments.size(); i += 2) {
            lines.add(arguments.get(i).substring(2) + " " + arguments.get(i + 1));
        }
        return lines;
    }

    /** {@code redis-cli} options to connect with the client certificate. */
    public List<String> cliArguments() {
        return List.of(
                "--tls",
                "--cacert",
                ca().toString(),
                "--cert",
                dir.resolve("client.pem").toString(),
                "--key",
                dir.resolve("client.key").toString());
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("openssl.log").toFile()))
                .start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed; see " + dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
