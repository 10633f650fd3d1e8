package io.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portcullis.config.AuthConfig.Algorithm;
import io.portcullis.config.AuthConfig.ConsumerConfig;
import io.portcullis.config.AuthConfig.SigningKeyConfig;
import io.portcullis.config.AuthConfig.TokenCacheConfig;
import io.portcullis.config.AuthConfig.TrustedIssuerConfig;
import io.portcullis.config.AuthConfig.UserSource;
import io.portcullis.config.GatewayConfig.GatewaySettings;
import io.portcullis.config.GatewayConfig.LoggingConfig;
import io.portcullis.config.RateLimitsConfig.Limit;
import io.portcullis.config.RouteConfig.AuthMode;
import io.portcullis.config.RouteConfig.DirectConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a YAML file into a {@link GatewayConfig}, collecting every problem before failing. Stateless
 * apart from the environment lookup it is given, so one instance may be shared.
 */
public final class ConfigLoader {
    /** System property, environment variable and context init-parameter naming the config file. */
    public static final String PROPERTY = "portcullis.config";

    public static final String ENVIRONMENT = "PORTCULLIS_CONFIG";
    public static final String DEMO_RESOURCE = "/io/portcullis/config/demo.yaml";
    /** System property that starts the built-in demo when no configuration file is named (mvn jetty:run sets it). */
    public static final String DEMO_PROPERTY = "portcullis.demo";
    /** The port the demo's echo upstream and issuer point at: the one jetty:run's connector listens on. */
    public static final String DEMO_PORT_PROPERTY = "jetty.http.port";

    public static final int DEMO_DEFAULT_PORT = 8080;
    /** The one line a deployment without configuration fails with. */
    static final String NO_CONFIGURATION = "No Portcullis configuration: name the YAML file with "
            + "-Dportcullis.config=/etc/portcullis/portcullis.yaml, the environment variable PORTCULLIS_CONFIG or the "
            + "context parameter portcullis.config (docs/operations.md); the built-in demo (user alice, open "
            + "registration) starts only with -Dportcullis.demo=true, as mvn jetty:run sets it";

    private static final String DEMO_PORT_PLACEHOLDER = "${port}";

    static final int MIN_HMAC_SECRET_BYTES = 32;
    /** A secret file holds one secret; anything larger is not one. */
    static final long MAX_SECRET_FILE_BYTES = 64 * 1024;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern DIRECT_SEGMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
    private static final Pattern QUOTED_POSITION = Pattern.compile("\\s*in '.*', line \\d+, column \\d+:");
    private static final String TOKEN = "[a-z0-9!#$&^_.+-]+";
    private static final Pattern MEDIA_TYPE_PATTERN =
            Pattern.compile("\\*/\\*|" + TOKEN + "/(" + TOKEN + "|\\*|\\*\\+[a-z0-9!#$&^_.-]+)");
    private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z-]{0,19}");
    private static final Pattern STRIP_HEADER = Pattern.compile("[A-Za-z0-9_-]{1,64}|[A-Za-z0-9_-]{1,63}\\*");
    /** Headers that frame the request: stripping them would break forwarding. */
    private static final Set<String> FRAMING_HEADERS =
            Set.of("host", "content-length", "transfer-encoding", "content-type");

    private static final Pattern LOGGER_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*){0,30}");
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");
    private static final Set<String> REDIS_SCHEMES =
            Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-cluster", "rediss-cluster");
    private static final List<String> DEFAULT_METHODS =
            List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final UnaryOperator<String> environment;

    public ConfigLoader() {
        this(System::getenv);
    }

    /** @param environment looks up environment variables (for {@code secret-env}) */
    public ConfigLoader(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    /**
     * Chooses the config file: the system property, then the environment variable, then the context
     * init-parameter. Empty means no file: see {@link #startup}.
     */
    public static Optional<Path> locate(String systemProperty, String environmentVariable, String initParameter) {
        for (String candidate : new String[] {systemProperty, environmentVariable, initParameter}) {
            if (candidate != null && !candidate.isBlank()) {
                return Optional.of(Path.of(candidate.trim()));
            }
        }
        return Optional.empty();
    }

    public GatewayConfig load(Path file) {
        String source = file.toString();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(source, List.of(source + ": no readable file there"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(source, in, file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new ConfigException(source, List.of(source + ": cannot be read (" + e.getMessage() + ")"));
        }
    }

    /**
     * The configuration a deployment starts from: the file {@link #locate} found; else, only when
     * {@value #DEMO_PROPERTY} is {@code true}, the built-in demo on port {@code demoPort} (default
     * {@value #DEMO_DEFAULT_PORT}); else nothing, and the deployment is refused.
     *
     * @param demoFlag the value of {@value #DEMO_PROPERTY}, or null
     * @param demoPort the value of {@value #DEMO_PORT_PROPERTY}, or null
     * @throws ConfigException when there is no configuration, or it does not validate
     */
    public GatewayConfig startup(Optional<Path> file, String demoFlag, String demoPort) {
        if (file.isPresent()) {
            return load(file.get());
        }
        if (demoFlag == null || !demoFlag.strip().equalsIgnoreCase("true")) {
            throw ConfigException.missing(NO_CONFIGURATION);
        }
        return loadDemo(demoPort(demoPort));
    }

    private static int demoPort(String text) {
        if (text == null || text.isBlank()) {
            return DEMO_DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(
                "(built-in demo)",
                List.of(DEMO_PORT_PROPERTY + ": must be a port number from 1 to 65535 (was \"" + text + "\")"));
    }

    /** The built-in demo as {@code mvn jetty:run} serves it on port {@value #DEMO_DEFAULT_PORT}. */
    public GatewayConfig loadDemo() {
        return loadDemo(DEMO_DEFAULT_PORT);
    }

    /** The built-in demo, its echo upstream and issuer on {@code port} of this host. */
    public GatewayConfig loadDemo(int port) {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the built-in demo configuration is missing from the WAR");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace(DEMO_PORT_PLACEHOLDER, Integer.toString(port));
            return parse(
                    "(built-in demo)", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Path.of("."));
        } catch (IOException e) {
            throw new IllegalStateException("the built-in demo configuration cannot be read", e);
        }
    }

    /**
     * Parses and validates YAML text.
     *
     * @param baseDir relative file paths in the configuration are resolved against it
     * @throws ConfigException listing every problem found
     */
    public GatewayConfig parse(String source, InputStream in, Path baseDir) {
        JsonNode root;
        try {
            root = new YamlTree(yaml).read(in);
        } catch (MarkedYAMLException e) {
            String where = e.getProblemMark() == null
                    ? ""
                    : " at line " + (e.getProblemMark().getLine() + 1) + ", column "
                            + (e.getProblemMark().getColumn() + 1);
            // The problem only: the exception's own message quotes the offending line, which may hold a secret.
            throw new ConfigException(
                    source,
                    List.of("not valid YAML" + where + ": " + withoutQuotedLines(String.valueOf(e.getProblem()))));
        } catch (YAMLException e) {
            Throwable cause = e.getCause();
            throw new ConfigException(
                    source,
                    List.of(
                            cause instanceof IOException
                                    ? "cannot be read: " + cause.getMessage()
                                    : "not valid YAML: " + withoutQuotedLines(String.valueOf(e.getMessage()))));
        }
        List<String> problems = new ArrayList<>();
        Section top = new Section("", root, problems);
        Section gatewaySection = top.section("gateway");
        GatewaySettings gateway = gateway(gatewaySection);
        RedisConfig redis = redis(top.section("redis"), baseDir);
        AuthConfig auth = auth(top.section("auth"), gateway.demo(), redis, baseDir);
        gateway = withPublicUrl(gatewaySection, gateway, auth);
        ApiKeysConfig apiKeys = apiKeys(top.section("api-keys"));
        RateLimitsConfig rateLimits = rateLimits(top.section("rate-limits"));
        List<RouteConfig> routes = routes(top, auth, gateway.cors());
        WafConfig waf = waf(top.section("waf"), baseDir);
        LoggingConfig logging = logging(top.section("logging"));
        RevocationConfig revocation = revocation(top.section("revocation"));
        top.finish();
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return new GatewayConfig(source, gateway, redis, auth, apiKeys, rateLimits, routes, waf, logging, revocation);
    }

    /**
     * The YAML parser's message without the lines of the file it quotes under each position (and the caret
     * beneath): the offending line may be the one that holds a secret.
     */
    private static String withoutQuotedLines(String message) {
        List<String> kept = new ArrayList<>();
        String[] lines = message.split("\n");
        for (int i = 0; i < lines.length; i++) {
            kept.add(lines[i].strip());
            if (QUOTED_POSITION.matcher(lines[i]).matches()) {
                i += 2;
            }
        }
        return String.join(" ", kept);
    }

    private static GatewaySettings gateway(Section s) {
        boolean demo = s.bool("demo", false);
        GatewayConfig.ClientAddressHeader addressHeader = s.enumValue(
                "client-address-header",
                GatewayConfig.ClientAddressHeader.class,
                GatewayConfig.ClientAddressHeader.X_FORWARDED_FOR);
        List<String> strip = new ArrayList<>();
        List<String> names = s.strings("strip-headers", List.of());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).strip();
            String folded = name.toLowerCase(Locale.ROOT).replace('_', '-');
            if (!STRIP_HEADER.matcher(name).matches()) {
                s.problem(
                        "strip-headers[" + i + "]",
                        "must be a header name, or a prefix ending in * such as " + "X-Tenant-* (was \"" + names.get(i)
                                + "\")");
            } else if (FRAMING_HEADERS.contains(folded)) {
                s.problem(
                        "strip-headers[" + i + "]",
                        "the gateway needs this header to forward the request (was \"" + names.get(i) + "\")");
            } else {
                strip.add(folded);
            }
        }
        List<IpRange> trusted = new ArrayList<>();
        List<String> texts = s.strings("trusted-proxies", List.of());
        for (int i = 0; i < texts.size(); i++) {
            Optional<IpRange> range = IpRange.parse(texts.get(i));
            if (range.isPresent()) {
                trusted.add(range.get());
            } else {
                s.problem(
                        "trusted-proxies[" + i + "]", "not an IP address or CIDR block (was \"" + texts.get(i) + "\")");
            }
        }
        Optional<CorsConfig> cors = CorsReader.choice(s, "cors") instanceof CorsReader.Choice.Own own
                ? Optional.of(own.policy())
                : Optional.empty();
        // public-url is read after the auth section, whose issuer is its default (withPublicUrl).
        return new GatewaySettings(demo, trusted, addressHeader, Optional.empty(), strip, cors);
    }

    /**
     * {@code gateway.public-url}: an http(s) URL without query, fragment or user info; absent, the issuer when
     * that is one. A trailing slash is dropped, so that paths are appended to it as they are.
     */
    private static GatewaySettings withPublicUrl(Section s, GatewaySettings gateway, AuthConfig auth) {
        Optional<URI> publicUrl = s.optionalString("public-url").flatMap(text -> {
            Optional<URI> parsed = uri(text).filter(ConfigLoader::isPublicUrl);
            if (parsed.isEmpty()) {
                s.problem(
                        "public-url",
                        "not an http:// or https:// URL without query, fragment or user info (was \"" + text + "\")");
            }
            return parsed;
        });
        if (!s.has("public-url")) {
            publicUrl = uri(auth.issuer()).filter(ConfigLoader::isPublicUrl);
        }
        s.finish();
        return new GatewaySettings(
                gateway.demo(),
                gateway.trustedProxies(),
                gateway.clientAddressHeader(),
                publicUrl.map(ConfigLoader::withoutTrailingSlash),
                gateway.stripHeaders(),
                gateway.cors());
    }

    private static boolean isPublicUrl(URI uri) {
        return isHttp(uri) && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    private RedisConfig redis(Section s, Path baseDir) {
        Optional<URI> uri = s.optionalString("uri").flatMap(text -> {
            Optional<URI> parsed = uri(text)
                    .filter(u -> u.getScheme() != null
                            && REDIS_SCHEMES.contains(u.getScheme().toLowerCase(Locale.ROOT)));
            if (parsed.isEmpty()) {
                // The URI may hold a password: name the scheme only.
                s.problem("uri", "must be a redis://, rediss://, redis-sentinel:// or redis-cluster:// URI");
            }
            return parsed;
        });
        String prefix = s.string("key-prefix", RedisConfig.DEFAULT_KEY_PREFIX);
        Duration timeout = s.duration("timeout", RedisConfig.DEFAULT_TIMEOUT);
        Section failure = s.section("on-failure");
        RedisConfig.FailurePolicy rateLimit =
                failure.enumValue("rate-limit", RedisConfig.FailurePolicy.class, Defaults.RATE_LIMIT_ON_FAILURE);
        RedisConfig.FailurePolicy revocation =
                failure.enumValue("revocation", RedisConfig.FailurePolicy.class, Defaults.REVOCATION_ON_FAILURE);
        failure.finish();
        Optional<Secret> password = redisPassword(s, uri, baseDir);
        Optional<RedisConfig.Tls> tls = redisTls(s.section("tls"), uri, baseDir);
        int replicas = (int) s.integer("revocation-replicas", Defaults.REVOCATION_REPLICAS, 0, 16);
        s.finish();
        return new RedisConfig(uri, prefix, timeout, rateLimit, revocation, password, tls, replicas);
    }

    /** {@code redis.password-env} or {@code redis.password-file}: one source, and not with a password in the URI. */
    private Optional<Secret> redisPassword(Section s, Optional<URI> uri, Path baseDir) {
        Optional<String> env = s.optionalString("password-env");
        boolean file = s.has("password-file");
        if (env.isPresent() && file) {
            s.problem("password-file", "give either password-env or password-file, not both");
            return Optional.empty();
        }
        if ((env.isPresent() || file)
                && uri.map(URI::getRawUserInfo).filter(u -> u.contains(":")).isPresent()) {
            s.problem(env.isPresent() ? "password-env" : "password-file", "the uri carries a password already");
            return Optional.empty();
        }
        if (env.isPresent()) {
            String value = environment.apply(env.get());
            if (value == null || value.isEmpty()) {
                s.problem("password-env", "environment variable " + env.get() + " is not set");
                return Optional.empty();
            }
            return Optional.of(Secret.of(value));
        }
        Optional<Secret> read = file(s, "password-file", baseDir).flatMap(f -> readFileSecret(s, "password-file", f));
        read.filter(p -> p.length() == 0).ifPresent(p -> s.problem("password-file", "the file is empty"));
        return read.filter(p -> p.length() > 0);
    }

    /** {@code redis.tls}: readable PEM files, only with a {@code rediss} URI; a certificate needs its key. */
    private static Optional<RedisConfig.Tls> redisTls(Section t, Optional<URI> uri, Path baseDir) {
        Optional<Path> ca = file(t, "ca-file", baseDir);
        Optional<Path> cert = file(t, "cert-file", baseDir);
        Optional<Path> key = file(t, "key-file", baseDir);
        if (ca.isEmpty() && cert.isEmpty() && key.isEmpty()) {
            t.finish();
            return Optional.empty();
        }
        boolean secure = uri.map(u -> u.getScheme().toLowerCase(Locale.ROOT).startsWith("rediss"))
                .orElse(false);
        if (!secure) {
            t.problem(
                    ca.isPresent() ? "ca-file" : cert.isPresent() ? "cert-file" : "key-file",
                    "needs a rediss:// (or rediss-sentinel://, rediss-cluster://) uri");
        }
        if (cert.isPresent() != key.isPresent()) {
            t.problem(cert.isPresent() ? "key-file" : "cert-file", "cert-file and key-file go together");
        }
        for (var entry : List.of(Map.entry("ca-file", ca), Map.entry("cert-file", cert), Map.entry("key-file", key))) {
            entry.getValue()
                    .filter(f -> !isReadableFile(f))
                    .ifPresent(f -> t.problem(entry.getKey(), "no readable file there (was \"" + f + "\")"));
        }
        t.finish();
        return Optional.of(new RedisConfig.Tls(ca, cert, key));
    }

    private AuthConfig auth(Section s, boolean demo, RedisConfig redis, Path baseDir) {
        String path = s.string("path", Defaults.AUTH_PATH);
        if (!path.matches("/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]")) {
            s.problem("path", "must be a path such as /auth, without a trailing slash", s.raw("path"));
        }
        String issuer = s.string("issuer", Defaults.ISSUER);
        String audience = s.string("audience", Defaults.AUDIENCE);
        Algorithm algorithm = s.enumValue("algorithm", Algorithm.class, Defaults.ALGORITHM);
        List<SigningKeyConfig> keys = new ArrayList<>();
        Set<String> kids = new HashSet<>();
        s.each("signing-keys", k -> {
            String kid = k.string("kid", "");
            if (!kid.matches("[A-Za-z0-9._-]{1,64}")) {
                k.problem("kid", "must be 1-64 characters of A-Z a-z 0-9 . _ -", k.raw("kid"));
            } else if (!kids.add(kid)) {
                k.problem("kid", "is used twice (was \"" + kid + "\")");
            }
            Optional<Path> file = file(k, "file", baseDir);
            Optional<Secret> secret = secret(k);
            if (algorithm.symmetric()) {
                if (file.isPresent() && secret.isEmpty()) {
                    secret = readFileSecret(k, "file", file.get());
                    file = Optional.empty();
                }
                if (secret.isEmpty() && !k.has("secret-env") && !k.has("secret")) {
                    k.problem("secret", "HS256 needs a secret: give secret-env, secret or file");
                }
                secret.filter(v -> v.length() < MIN_HMAC_SECRET_BYTES)
                        .ifPresent(v -> k.problem(
                                "secret",
                                "too short for HS256: needs at least " + MIN_HMAC_SECRET_BYTES + " bytes, was "
                                        + v.length()));
            } else {
                if (secret.isPresent()) {
                    k.problem("secret", algorithm + " signs with a PEM key file: give file, not a secret");
                }
                if (file.isEmpty()) {
                    k.problem("file", algorithm + " needs a PEM private key file");
                } else if (!isReadableFile(file.get())) {
                    k.problem("file", "no readable file there (was \"" + file.get() + "\")");
                }
            }
            keys.add(new SigningKeyConfig(kid, file, secret));
        });
        if (!demo && keys.isEmpty()) {
            s.problem("signing-keys", "required outside demo mode: at least one key must sign the gateway's tokens");
        }
        Duration accessTtl = s.duration("access-ttl", Defaults.ACCESS_TTL);
        Duration refreshTtl = s.duration("refresh-ttl", Defaults.REFRESH_TTL);
        Duration idleTimeout = s.duration("idle-timeout", Defaults.IDLE_TIMEOUT);
        Duration leeway = s.allowance("leeway", Defaults.LEEWAY);
        Duration refreshGrace = s.allowance("refresh-grace", Defaults.REFRESH_GRACE);
        Section cache = s.section("token-cache");
        TokenCacheConfig tokenCache = new TokenCacheConfig(
                (int) cache.integer("size", Defaults.TOKEN_CACHE_SIZE, 0, 10_000_000), cache.bool("redis", false));
        cache.finish();
        UserSource users =
                s.enumValue("users", UserSource.class, redis.enabled() ? UserSource.REDIS : UserSource.MEMORY);
        if (users == UserSource.REDIS && !redis.enabled()) {
            s.problem("users", "is redis but redis.uri is not set");
        }
        if (tokenCache.redis() && !redis.enabled()) {
            s.problem("token-cache.redis", "is true but redis.uri is not set");
        }
        boolean registration = s.bool("registration", Defaults.REGISTRATION);
        List<TrustedIssuerConfig> issuers = new ArrayList<>();
        Set<String> aliases = new HashSet<>();
        s.each("trusted-issuers", t -> {
            String iss = t.string("issuer", "");
            if (iss.isBlank()) {
                t.problem("issuer", "required");
            }
            Optional<URI> jwks =
                    t.optionalString("jwks-uri").flatMap(ConfigLoader::uri).filter(ConfigLoader::isJwksUri);
            if (t.has("jwks-uri") && jwks.isEmpty()) {
                t.problem("jwks-uri", "must be an https:// URL (http:// only for a loopback host)", t.raw("jwks-uri"));
            } else if (!t.has("jwks-uri") && !iss.isBlank() && !isDiscoverableIssuer(iss)) {
                t.problem(
                        "issuer",
                        "without jwks-uri, the keys are found by OpenID Connect discovery under the issuer, "
                                + "so it must be an https:// URL without query or fragment (http:// only for a loopback host); "
                                + "or give jwks-uri (was \"" + iss + "\")");
            }
            Optional<String> explicitAlias = t.optionalString("alias");
            String alias = explicitAlias.orElseGet(
                    () -> TrustedIssuerConfig.defaultAlias(iss).orElse(""));
            if (explicitAlias.isPresent() && !AuthConfig.ALIAS.matcher(alias).matches()) {
                t.problem("alias", "must be 1-64 characters of A-Z a-z 0-9 . _ -", t.raw("alias"));
            } else if (alias.isEmpty()) {
                if (!iss.isBlank()) {
                    t.problem(
                            "alias",
                            "required: the issuer's host cannot serve as one (1-64 characters of A-Z a-z 0-9 . _ -)");
                }
            } else if (!aliases.add(alias)) {
                t.problem("alias", "is used twice (was \"" + alias + "\"): give each issuer its own alias");
            }
            issuers.add(new TrustedIssuerConfig(
                    iss, jwks, t.optionalString("audience"), alias, t.bool("allow-id-tokens", false)));
        });
        List<ConsumerConfig> consumers = new ArrayList<>();
        Set<String> consumerKeys = new HashSet<>();
        s.each("consumers", c -> {
            String key = c.string("key", "");
            if (key.isBlank()) {
                c.problem("key", "required");
            } else if (!AuthConfig.ALIAS.matcher(key).matches()) {
                c.problem("key", "must be 1-64 characters of A-Z a-z 0-9 . _ -", c.raw("key"));
            } else if (!consumerKeys.add(key)) {
                c.problem("key", "is used twice (was \"" + key + "\")");
            } else if (aliases.contains(key)) {
                c.problem("key", "is also a trusted issuer's alias (was \"" + key + "\")");
            }
            Algorithm alg = c.enumValue("algorithm", Algorithm.class, Defaults.CONSUMER_ALGORITHM);
            if (alg != Algorithm.HS256) {
                c.problem("algorithm", "consumers verify with a shared secret: only HS256 is supported");
            }
            Optional<Secret> secret = secret(c);
            if (secret.isEmpty() && c.has("secret-file")) {
                secret = file(c, "secret-file", baseDir).flatMap(f -> readFileSecret(c, "secret-file", f));
            }
            if (secret.isEmpty() && !c.has("secret-env") && !c.has("secret-file")) {
                c.problem("secret-env", "a consumer needs a secret: give secret-env, secret-file or secret");
            }
            secret.filter(v -> v.length() < MIN_HMAC_SECRET_BYTES)
                    .ifPresent(v -> c.problem(
                            "secret",
                            "too short for HS256: needs at least " + MIN_HMAC_SECRET_BYTES + " bytes, was "
                                    + v.length()));
            List<String> roles = c.strings("roles", List.of());
            List<String> scopes = c.strings("scopes", List.of());
            Duration maxLifetime = c.duration("max-lifetime", AuthConfig.DEFAULT_CONSUMER_MAX_LIFETIME);
            Optional<String> consumerAudience = c.optionalString("audience");
            if (consumerAudience.isPresent() && consumerAudience.get().isBlank()) {
                c.problem("audience", "must not be blank", c.raw("audience"));
            }
            consumers.add(new ConsumerConfig(
                    key,
                    alg,
                    secret.orElse(null),
                    roles,
                    scopes,
                    maxLifetime,
                    consumerAudience.filter(a -> !a.isBlank())));
        });
        AuthConfig.LimitsConfig limits = authLimits(s.section("limits"));
        int maxHashes = (int) s.integer("max-concurrent-hashes", AuthConfig.DERIVED_CONCURRENT_HASHES, 1, 1024);
        AuthConfig.ApiKeyIssuanceConfig apiKeys = apiKeyIssuance(s.section("api-keys"));
        Optional<AuthConfig.BootstrapAdminConfig> bootstrapAdmin =
                s.has("bootstrap-admin") ? bootstrapAdmin(s.section("bootstrap-admin"), users) : Optional.empty();
        s.finish();
        return new AuthConfig(
                path,
                issuer,
                audience,
                algorithm,
                keys,
                accessTtl,
                refreshTtl,
                idleTimeout,
                leeway,
                refreshGrace,
                tokenCache,
                users,
                registration,
                issuers,
                consumers,
                limits,
                maxHashes,
                apiKeys,
                bootstrapAdmin);
    }

    /** {@code auth.bootstrap-admin}: the first admin of stored users, its password from the environment. */
    private Optional<AuthConfig.BootstrapAdminConfig> bootstrapAdmin(Section s, AuthConfig.UserSource users) {
        String username = s.string("username", "");
        if (username.isBlank()) {
            s.problem("username", "required");
        } else if (username.length() > 64
                || !username.codePoints()
                        .allMatch(c -> c > 0x20 && !Character.isISOControl(c) && !Character.isWhitespace(c))) {
            s.problem("username", "must be 1-64 characters without spaces or control characters", s.raw("username"));
        }
        Optional<String> env = s.optionalString("password-env");
        Optional<String> inline = s.optionalString("password");
        Optional<Secret> password = Optional.empty();
        if (env.isPresent() && inline.isPresent()) {
            s.problem("password", "give either password-env or password, not both");
        } else if (env.isPresent()) {
            String value = environment.apply(env.get());
            if (value == null || value.isEmpty()) {
                s.problem("password-env", "environment variable " + env.get() + " is not set");
            } else {
                password = Optional.of(Secret.of(value));
            }
        } else if (inline.isPresent()) {
            password = Optional.of(Secret.of(inline.get()));
        } else {
            s.problem("password-env", "required: the environment variable that holds the password");
        }
        password.map(p -> new String(p.bytes(), StandardCharsets.UTF_8))
                .map(p -> p.codePointCount(0, p.length()))
                .filter(length -> length < 8 || length > 1024)
                .ifPresent(length -> s.problem("password", "must be 8-1024 characters, was " + length));
        if (users == AuthConfig.UserSource.CONTAINER) {
            s.problem("username", "auth.users is container: the container's realm manages users and their roles");
        }
        s.finish();
        return password.filter(p -> !username.isBlank()).map(p -> new AuthConfig.BootstrapAdminConfig(username, p));
    }

    private static AuthConfig.LimitsConfig authLimits(Section s) {
        AuthConfig.LimitsConfig d = AuthConfig.LimitsConfig.DEFAULTS;
        Limit endpoints = limit(s.section("endpoints"), d.endpoints());
        Limit register = limit(s.section("register"), d.register());
        Section l = s.section("login");
        AuthConfig.LoginLimitsConfig dl = d.login();
        int perPair = (int) l.integer("per-username-and-address", dl.perUsernameAndAddress(), 1, 1000);
        int perAddress = (int) l.integer("per-address", dl.perAddress(), 1, 100_000);
        int perUsername = (int) l.integer("per-username", dl.perUsername(), 1, 100_000);
        Duration backoff = l.duration("backoff", dl.backoff());
        Duration maxBackoff = l.duration("max-backoff", dl.maxBackoff());
        Duration window = l.duration("window", dl.window());
        Duration remember = l.allowance("remember", dl.remember());
        if (maxBackoff.compareTo(backoff) < 0) {
            l.problem("max-backoff", "must not be shorter than backoff (" + backoff + ", was " + maxBackoff + ")");
        }
        if (maxBackoff.compareTo(Duration.ofDays(1)) > 0) {
            l.problem("max-backoff", "must be at most 1d (was " + maxBackoff + ")");
        }
        l.finish();
        s.finish();
        return new AuthConfig.LimitsConfig(
                endpoints,
                register,
                new AuthConfig.LoginLimitsConfig(
                        perPair, perAddress, perUsername, backoff, maxBackoff, window, remember));
    }

    private static AuthConfig.ApiKeyIssuanceConfig apiKeyIssuance(Section s) {
        AuthConfig.ApiKeyIssuanceConfig d = AuthConfig.ApiKeyIssuanceConfig.DEFAULTS;
        Duration reauth = s.duration("reauth", d.reauth());
        Duration maxLifetime = s.duration("max-lifetime", d.maxLifetime());
        if (maxLifetime.compareTo(Duration.ofDays(3650)) > 0) {
            s.problem("max-lifetime", "must be at most 3650d (was " + maxLifetime + ")");
        } else if (maxLifetime.compareTo(Duration.ofMinutes(1)) < 0) {
            s.problem("max-lifetime", "must be at least 1m (was " + maxLifetime + ")");
        }
        int maxPerUser = (int) s.integer("max-per-user", d.maxPerUser(), 1, 10_000);
        s.finish();
        return new AuthConfig.ApiKeyIssuanceConfig(reauth, maxLifetime, maxPerUser);
    }

    /** A secret from {@code secret-env} or inline {@code secret}; problems never quote the value. */
    private Optional<Secret> secret(Section s) {
        Optional<String> env = s.optionalString("secret-env");
        Optional<String> inline = s.optionalString("secret");
        if (env.isPresent() && inline.isPresent()) {
            s.problem("secret", "give either secret-env or secret, not both");
        }
        if (env.isPresent()) {
            String value = environment.apply(env.get());
            if (value == null || value.isEmpty()) {
                s.problem("secret-env", "environment variable " + env.get() + " is not set");
                return Optional.empty();
            }
            return Optional.of(Secret.of(value));
        }
        return inline.map(Secret::of);
    }

    /** The file {@code key} names, resolved against {@code baseDir}; a name no file system can hold is a problem. */
    private static Optional<Path> file(Section s, String key, Path baseDir) {
        Optional<String> name = s.optionalString(key);
        try {
            return name.map(baseDir::resolve);
        } catch (InvalidPathException e) {
            s.problem(key, "not a file path (" + e.getReason() + ")");
            return Optional.empty();
        }
    }

    /** A regular file that can be read: not a directory, a device such as /dev/zero, or a pipe that never ends. */
    private static boolean isReadableFile(Path file) {
        return Files.isRegularFile(file) && Files.isReadable(file);
    }

    private static Optional<Secret> readFileSecret(Section s, String key, Path file) {
        try {
            if (!isReadableFile(file)) {
                s.problem(key, "no readable file there (was \"" + file + "\")");
                return Optional.empty();
            }
            if (Files.size(file) > MAX_SECRET_FILE_BYTES) {
                s.problem(
                        key,
                        "larger than " + MAX_SECRET_FILE_BYTES / 1024 + " KB, too large for a secret (was \"" + file
                                + "\")");
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
                end--;
            }
            return Optional.of(new Secret(Arrays.copyOf(bytes, end)));
        } catch (IOException e) {
            s.problem(key, "no readable file there (was \"" + file + "\")");
            return Optional.empty();
        }
    }

    private static ApiKeysConfig apiKeys(Section s) {
        String header = s.string("header", Defaults.API_KEY_HEADER);
        if (!header.matches("[A-Za-z0-9-]{1,64}")) {
            s.problem("header", "must be an HTTP header name", s.raw("header"));
        }
        List<ApiKeysConfig.StaticKey> keys = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        s.each("static", k -> {
            String id = k.string("id", "");
            if (!id.matches("[A-Za-z0-9._:-]{1,64}")) {
                k.problem("id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -", k.raw("id"));
            } else if (!ids.add(id)) {
                k.problem("id", "is used twice (was \"" + id + "\")");
            }
            String hash = k.string("sha256", "").toLowerCase(Locale.ROOT);
            if (!SHA256_HEX.matcher(hash).matches()) {
                k.problem("sha256", "must be the 64 hex digits of the key's SHA-256 (keys are never stored in clear)");
            }
            keys.add(new ApiKeysConfig.StaticKey(id, hash, k.strings("scopes", List.of())));
        });
        s.finish();
        return new ApiKeysConfig(header.toLowerCase(Locale.ROOT), keys);
    }

    private static RateLimitsConfig rateLimits(Section s) {
        boolean enabled = s.bool("enabled", Defaults.RATE_LIMITS_ENABLED);
        RateLimitsConfig.Algorithm algorithm =
                s.enumValue("algorithm", RateLimitsConfig.Algorithm.class, Defaults.RATE_LIMIT_ALGORITHM);
        Limit defaults = limit(s.section("default"), Defaults.DEFAULT_LIMIT);
        Limit anonymous = limit(s.section("anonymous"), Defaults.ANONYMOUS_LIMIT);
        s.finish();
        return new RateLimitsConfig(enabled, algorithm, defaults, anonymous);
    }

    private static RevocationConfig revocation(Section s) {
        boolean mirror = s.bool("mirror", RevocationConfig.DEFAULT_MIRROR);
        s.finish();
        return new RevocationConfig(mirror);
    }

    private static Limit limit(Section s, Limit fallback) {
        long limit = s.integer("limit", fallback.limit(), 1, 1_000_000_000L);
        Duration window = s.duration("window", fallback.window());
        if (window.toMillis() < 1000 || window.toMillis() % 1000 != 0) {
            s.problem("window", "must be a whole number of seconds, at least 1s (was " + window + ")");
            window = fallback.window();
        }
        s.finish();
        return new Limit(limit, window);
    }

    private static List<RouteConfig> routes(Section top, AuthConfig auth, Optional<CorsConfig> defaultCors) {
        List<RouteConfig> routes = new ArrayList<>();
        Set<String> prefixes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        top.each("routes", r -> {
            String prefix = r.string("prefix", "");
            if (!prefix.startsWith("/")
                    || prefix.contains("?")
                    || prefix.contains("#")
                    || prefix.contains("//")
                    || prefix.contains("/../")
                    || prefix.endsWith("/..")
                    || (prefix.length() > 1 && prefix.endsWith("/"))) {
                r.problem("prefix", "must be a path starting with / and without a trailing slash", r.raw("prefix"));
            } else if (!isCanonicalPrefix(prefix)) {
                r.problem(
                        "prefix",
                        "must be a decoded path without ;, %, \\, control characters or . and .. segments " + "(was \""
                                + prefix + "\")");
            } else if (!prefixes.add(prefix)) {
                r.problem("prefix", "is used by two routes (was \"" + prefix + "\")");
            } else if (prefix.equals(auth.path())
                    || prefix.startsWith(auth.path() + "/")
                    || prefix.equals("/health")
                    || prefix.startsWith("/health/")
                    || prefix.equals("/metrics")
                    || prefix.startsWith("/metrics/")
                    || prefix.startsWith("/.well-known")) {
                r.problem("prefix", "is answered by the gateway itself and cannot be routed (was \"" + prefix + "\")");
            }
            String id = r.string("id", prefix);
            if (!ids.add(id)) {
                r.problem("id", "is used by two routes (was \"" + id + "\")");
            }
            List<URI> upstreams = new ArrayList<>();
            List<String> targets = r.strings("upstream", List.of());
            for (int i = 0; i < targets.size(); i++) {
                Optional<URI> target = uri(targets.get(i))
                        .filter(ConfigLoader::isHttp)
                        .filter(u -> u.getRawQuery() == null && u.getRawFragment() == null);
                if (target.isEmpty()) {
                    String key =
                            targets.size() == 1 && r.raw("upstream").isTextual() ? "upstream" : "upstream[" + i + "]";
                    r.problem(key, "not an http:// or https:// URL without query (was \"" + targets.get(i) + "\")");
                } else {
                    upstreams.add(target.get());
                }
            }
            AuthMode mode = r.enumValue("auth", AuthMode.class, AuthMode.NONE);
            List<String> scopes = r.strings("scopes", List.of());
            Optional<Limit> rateLimit = Optional.empty();
            boolean rateLimited = true;
            JsonNode limitNode = r.raw("rate-limit");
            if (limitNode != null && (limitNode.isBoolean() || "off".equals(limitNode.asText(null)))) {
                rateLimited = limitNode.isBoolean() && limitNode.booleanValue();
                if (rateLimited) {
                    r.problem("rate-limit", "must be off, false or a mapping {limit, window}", limitNode);
                }
            } else if (limitNode != null && !limitNode.isNull()) {
                rateLimit = Optional.of(limit(r.section("rate-limit"), Defaults.ROUTE_LIMIT_WINDOW));
                if (!limitNode.has("limit")) {
                    r.problem("rate-limit.limit", "required");
                }
            }
            boolean strip = r.bool("strip-prefix", false);
            Duration timeout = r.duration("timeout", RouteConfig.DEFAULT_TIMEOUT);
            boolean forwardAuthorization = r.bool("forward-authorization", false);
            boolean pathParameters = r.bool("path-parameters", false);
            Optional<DirectConfig> direct = r.has("direct")
                    ? Optional.of(direct(r.section("direct"), mode, !targets.isEmpty()))
                    : Optional.empty();
            boolean webapp = r.bool("webapp", false);
            if (webapp && (!targets.isEmpty() || direct.isPresent())) {
                r.problem("webapp", "a route served by the web application has no upstream and no direct");
            } else if (upstreams.isEmpty()
                    && direct.isEmpty()
                    && targets.isEmpty()
                    && !webapp
                    && (!r.has("webapp") || r.raw("webapp").isBoolean())) {
                r.problem("upstream", "required (or direct, or webapp: true)");
            }
            if (!targets.isEmpty() && direct.isPresent()) {
                r.problem("direct", "a route has either upstream or direct, not both");
            }
            if (mode == AuthMode.NONE && !scopes.isEmpty()) {
                r.problem("scopes", "needs auth: jwt or auth: api-key on the same route");
            }
            OptionalLong maxBody = r.has("max-body") ? OptionalLong.of(r.size("max-body", 1)) : OptionalLong.empty();
            List<String> contentTypes = contentTypes(r, "allowed-content-types", List.of());
            CorsReader.Choice corsChoice = CorsReader.choice(r, "cors");
            Optional<CorsConfig> cors = corsChoice instanceof CorsReader.Choice.Own own
                    ? Optional.of(own.policy())
                    : corsChoice instanceof CorsReader.Choice.Off ? Optional.empty() : defaultCors;
            routes.add(new RouteConfig(
                    id,
                    prefix,
                    upstreams,
                    mode,
                    scopes,
                    rateLimit,
                    rateLimited,
                    strip,
                    timeout,
                    forwardAuthorization,
                    direct,
                    new RouteConfig.Bodies(maxBody, contentTypes),
                    pathParameters,
                    cors));
        });
        return routes;
    }

    /**
     * Whether a prefix can match a canonical request path (io.portcullis.chain.CanonicalPath): those are
     * decoded, so a prefix with {@code %} or {@code ;} would never match, and one with a dot-segment names no path.
     */
    private static boolean isCanonicalPrefix(String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == ';' || c == '%' || c == '\\' || c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return false;
            }
        }
        return !prefix.contains("/./") && !prefix.endsWith("/.");
    }

    /**
     * A direct route's {@code direct:} section. The ownership rule: the key must name the caller (a
     * {@code {sub}} or other identifying claim placeholder) on an {@code auth: jwt} route, so that no caller
     * can reach another's key. Checked only for a route that is otherwise a direct route.
     */
    private static DirectConfig direct(Section d, AuthMode mode, boolean proxied) {
        String source = d.string("redis-key", "");
        String pathSpec = d.string("path", "");
        boolean writes = d.bool("writes", false);
        long maxBody = d.size("max-body", DirectConfig.DEFAULT_MAX_BODY);
        d.finish();
        KeyTemplate template = new KeyTemplate(source, List.of());
        List<String> path = directPath(d, pathSpec);
        if (source.isBlank()) {
            d.problem("redis-key", "required");
            return new DirectConfig(template, path, writes, maxBody);
        }
        try {
            template = KeyTemplate.parse(source);
        } catch (IllegalArgumentException e) {
            d.problem("redis-key", e.getMessage() + " (was \"" + source + "\")");
            return new DirectConfig(template, path, writes, maxBody);
        }
        if (proxied) {
            return new DirectConfig(template, path, writes, maxBody);
        }
        if (mode != AuthMode.JWT || !template.identifiesCaller()) {
            d.problem(
                    "redis-key",
                    "must name the caller with {sub} (or another identifying claim) on an auth: jwt "
                            + "route, so that no caller can read another's key (was \"" + source + "\")");
        }
        for (String segment : template.pathSegments()) {
            if (!path.contains(segment)) {
                d.problem(
                        "redis-key",
                        "uses {" + KeyTemplate.PATH_PREFIX + segment + "} but direct.path declares no " + "segment "
                                + segment + " (was \"" + source + "\")");
            }
        }
        return new DirectConfig(template, path, writes, maxBody);
    }

    /** {@code /{list}/{item}} → [list, item]: every segment a distinct placeholder. */
    private static List<String> directPath(Section d, String spec) {
        if (spec.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        String trimmed = spec.startsWith("/") ? spec.substring(1) : spec;
        for (String segment : trimmed.split("/", -1)) {
            String name = segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}")
                    ? segment.substring(1, segment.length() - 1)
                    : "";
            if (!DIRECT_SEGMENT.matcher(name).matches() || names.contains(name)) {
                d.problem(
                        "path",
                        "must be segments of distinct {name} placeholders such as /{list}/{item} " + "(was \"" + spec
                                + "\")");
                return List.of();
            }
            names.add(name);
        }
        return names;
    }

    private static WafConfig waf(Section s, Path baseDir) {
        WafConfig.Mode mode = s.enumValue("mode", WafConfig.Mode.class, Defaults.WAF_MODE);
        int paranoia = (int) s.integer("paranoia", Defaults.WAF_PARANOIA, 1, 4);
        long maxBody = s.size("max-body", Defaults.WAF_MAX_BODY);
        long maxHeader = s.size("max-header", Defaults.WAF_MAX_HEADER);
        List<String> methods = s.strings("allowed-methods", DEFAULT_METHODS);
        for (int i = 0; i < methods.size(); i++) {
            if (!METHOD.matcher(methods.get(i)).matches()) {
                s.problem(
                        "allowed-methods[" + i + "]",
                        "must be an upper-case HTTP method (was \"" + methods.get(i) + "\")");
            }
        }
        Optional<Path> rulesFile = file(s, "rules-file", baseDir);
        rulesFile
                .filter(f -> !isReadableFile(f))
                .ifPresent(f -> s.problem("rules-file", "no readable file there (was \"" + f + "\")"));
        List<WafConfig.Exclusion> exclusions = new ArrayList<>();
        s.each("exclusions", e -> {
            String prefix = e.string("prefix", "");
            if (!prefix.startsWith("/")) {
                e.problem("prefix", "must be a path starting with /", e.raw("prefix"));
            }
            List<String> rules = e.strings("rules", List.of());
            if (rules.isEmpty()) {
                e.problem(
                        "rules",
                        "must name at least one rule family: " + String.join(", ", sorted(WafConfig.RULE_FAMILIES)));
            }
            for (int i = 0; i < rules.size(); i++) {
                if (!WafConfig.RULE_FAMILIES.contains(rules.get(i))
                        && !rules.get(i).matches("\\d{3,6}")) {
                    e.problem(
                            "rules[" + i + "]",
                            "not a rule family or rule id (was \"" + rules.get(i) + "\"); families: "
                                    + String.join(", ", sorted(WafConfig.RULE_FAMILIES)));
                }
            }
            List<String> targets = e.strings("targets", List.of());
            for (int i = 0; i < targets.size(); i++) {
                if (!WafConfig.Exclusion.TARGET.matcher(targets.get(i)).matches()) {
                    e.problem(
                            "targets[" + i + "]",
                            "not a target (was \"" + targets.get(i)
                                    + "\"); targets: json:$.path.to.field, arg:name, header:name, cookie:name, body");
                }
            }
            exclusions.add(new WafConfig.Exclusion(prefix, rules, targets));
        });
        List<String> contentTypes = contentTypes(s, "allowed-content-types", WafConfig.DEFAULT_CONTENT_TYPES);
        s.finish();
        return new WafConfig(mode, paranoia, maxBody, maxHeader, methods, rulesFile, exclusions, contentTypes);
    }

    /** A list of media-type patterns ({@code type/subtype}, {@code type/*}, {@code type/*+suffix}), lower-cased. */
    private static List<String> contentTypes(Section s, String key, List<String> fallback) {
        List<String> patterns = s.strings(key, fallback);
        List<String> result = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i).strip().toLowerCase(Locale.ROOT);
            if (!MEDIA_TYPE_PATTERN.matcher(pattern).matches()) {
                s.problem(
                        key + "[" + i + "]",
                        "must be a media type such as application/json, text/* or "
                                + "application/*+json, without parameters (was \"" + patterns.get(i) + "\")");
            } else {
                result.add(pattern);
            }
        }
        return result;
    }

    private static LoggingConfig logging(Section s) {
        LoggingConfig.Format format = s.enumValue("format", LoggingConfig.Format.class, Defaults.LOG_FORMAT);
        String level = s.string("level", Defaults.LOG_LEVEL).toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            s.problem("level", "must be one of " + String.join(" | ", sorted(LOG_LEVELS)), s.raw("level"));
        }
        Section levels = s.section("levels");
        Map<String, String> byLogger = new LinkedHashMap<>();
        for (String logger : levels.keys()) {
            String value = levels.string(logger, "").toLowerCase(Locale.ROOT);
            if (!LOGGER_NAME.matcher(logger).matches()) {
                levels.problem(logger, "not a logger name such as io.portcullis.waf");
            } else if (!LOG_LEVELS.contains(value)) {
                levels.problem(logger, "must be one of " + String.join(" | ", sorted(LOG_LEVELS)), levels.raw(logger));
            } else {
                byLogger.put(logger, value);
            }
        }
        levels.finish();
        s.finish();
        return new LoggingConfig(format, level, byLogger);
    }

    private static Optional<URI> uri(String text) {
        try {
            return Optional.of(new URI(text.trim()));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** An issuer whose discovery document may be fetched: a URL as {@link #isJwksUri} wants, without query or fragment. */
    private static boolean isDiscoverableIssuer(String issuer) {
        return uri(issuer)
                .filter(ConfigLoader::isJwksUri)
                .filter(u -> u.getRawQuery() == null && u.getRawFragment() == null && u.getRawUserInfo() == null)
                .isPresent();
    }

    /** https, or plain http to a loopback host (a local test provider or a sidecar); never a DNS lookup. */
    private static boolean isJwksUri(URI uri) {
        if (!isHttp(uri)) {
            return false;
        }
        return uri.getScheme().equalsIgnoreCase("https") || isLoopback(uri.getHost());
    }

    /** Whether {@code host} names this machine: localhost, 127.0.0.0/8 or ::1, written literally. */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost")
                || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    }

    private static boolean isHttp(URI uri) {
        return uri.getScheme() != null
                && (uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                && uri.getHost() != null
                && !uri.getHost().isEmpty();
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
