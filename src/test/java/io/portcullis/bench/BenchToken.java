package io.portcullis.bench;

import io.portcullis.auth.TokenIssuer;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.jwt.SigningKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Mints the one access token the load benchmark sends with every request (the "cached token" scenarios),
 * signed by the gateway's own issuer with the first key of the benchmark configuration, so the gateway
 * under test accepts it exactly as one it issued itself. Prints the token on stdout and nothing else.
 * Used by {@code src/test/load/run.sh}; not a test.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/load/cp.txt) io.portcullis.bench.BenchToken portcullis.yaml [subject]
 * </pre>
 */
public final class BenchToken {
    private BenchToken() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: BenchToken <portcullis.yaml> [subject]");
            System.exit(2);
        }
        GatewayConfig config = new ConfigLoader().load(Path.of(args[0]));
        SigningKeys keys = SigningKeys.load(config.auth(), config.gateway().demo(), config.source());
        String subject = args.length > 1 ? args[1] : "bench-user";
        TokenIssuer issuer = new TokenIssuer(keys, config.auth(), Clock.systemUTC());
        System.out.println(issuer.issue(subject, TokenIssuer.randomId(), List.of("user"), List.of())
                .token());
    }
}
