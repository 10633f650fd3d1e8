package io.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    private static final String SECRET_32 = "0123456789abcdef0123456789abcdef";
    private static final Map<String, String> ENVIRONMENT = Map.of("ALICE_SECRET", SECRET_32, "SHORT_SECRET", "tiny");

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(ENVIRONMENT::get);

    private GatewayConfig parse(String yaml) {
        return loader.parse("test.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), dir);
    }

    @org.junit.jupiter.api.Test
    void parseWhenRedisPasswordFromEnvOrFileThenKeptOutOfTheUriAndToString() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("redis-pw"), "s3cret-from-file\n");

        RedisConfig fromEnv = parse(
                        "gateway: {demo: true}\nredis: {uri: \"redis-cluster://a:1,b:2\", password-env: ALICE_SECRET}")
                .redis();
        RedisConfig fromFile = parse(
                        "gateway: {demo: true}\nredis: {uri: \"redis-sentinel://a:1#p\", password-file: redis-pw}")
                .redis();

        assertEquals(SECRET_32, new String(fromEnv.password().orElseThrow().bytes(), StandardCharsets.UTF_8));
        assertEquals(
                "s3cret-from-file", new String(fromFile.password().orElseThrow().bytes(), StandardCharsets.UTF_8));
        org.junit.jupiter.api.Assertions.assertFalse(fromFile.toString().contains("s3cret"), fromFile.toString());
    }

    @org.junit.jupiter.api.Test
    void parseWhenBootstrapAdminThenPasswordFromEnvAndHiddenElseEmpty() {
        AuthConfig auth = parse(
                        "gateway: {demo: true}\nauth: {bootstrap-admin: {username: ops, password-env: ALICE_SECRET}}")
                .auth();
        AuthConfig.BootstrapAdminConfig admin = auth.bootstrapAdmin().orElseThrow();
        assertEquals("ops", admin.username());
        assertEquals(SECRET_32, new String(admin.password().bytes(), StandardCharsets.UTF_8));
        org.junit.jupiter.api.Assertions.assertFalse(admin.toString().contains(SECRET_32), admin.toString());
        assertEquals(
                java.util.Optional.empty(),
                parse("gateway: {demo: true}").auth().bootstrapAdmin());
    }

    private List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    /** Each validation message, once: the YAML is valid but for the one mistake (demo mode unless it says otherwise). */
    static Stream<Arguments> invalidConfigurations() {
        return Stream.of(
                invalid(
                        "trusted proxy not a CIDR",
                        "gateway: {demo: true, trusted-proxies: [10.0.0.0/8, nope]}",
                        "gateway.trusted-proxies[1]: not an IP address or CIDR block (was \"nope\")"),
                invalid(
                        "redis uri scheme",
                        "redis: {uri: \"http://user:pw@cache:6379\"}",
                        "redis.uri: must be a redis://, rediss://, redis-sentinel:// or redis-cluster:// URI"),
                invalid(
                        "redis password twice",
                        "redis: {uri: \"redis://cache:6379\", password-env: ALICE_SECRET, " + "password-file: pw}",
                        "redis.password-file: give either password-env or password-file, not both"),
                invalid(
                        "redis password in uri and env",
                        "redis: {uri: \"redis://:pw@cache:6379\", password-env: ALICE_SECRET}",
                        "redis.password-env: the uri carries a password already"),
                invalid(
                        "redis password env unset",
                        "redis: {uri: \"redis://cache:6379\", password-env: NOT_SET}",
                        "redis.password-env: environment variable NOT_SET is not set"),
                invalid(
                        "redis password file missing",
                        "redis: {uri: \"redis://cache:6379\", password-file: /nonexistent/pw}",
                        "redis.password-file: no readable file there (was \"/nonexistent/pw\")"),
                invalid(
                        "redis tls without rediss",
                        "redis: {uri: \"redis://cache:6379\", tls: {ca-file: /etc/hostname}}",
                        "redis.tls.ca-file: needs a rediss:// (or rediss-sentinel://, rediss-cluster://) uri"),
                invalid(
                        "redis tls cert without key",
                        "redis: {uri: \"rediss://cache:6379\", tls: {cert-file: /etc/hostname}}",
                        "redis.tls.key-file: cert-file and key-file go together"),
                invalid(
                        "redis tls ca missing",
                        "redis: {uri: \"rediss://cache:6379\", tls: {ca-file: /nonexistent/ca.pem}}",
                        "redis.tls.ca-file: no readable file there (was \"/nonexistent/ca.pem\")"),
                invalid(
                        "redis tls unknown key",
                        "redis: {uri: \"rediss://cache:6379\", tls: {ca: x}}",
                        "redis.tls.ca: unknown key"),
                invalid(
                        "redis failure policy",
                        "redis: {on-failure: {rate-limit: maybe}}",
                        "redis.on-failure.rate-limit: must be one of allow | deny (was \"maybe\")"),
                invalid(
                        "duration syntax",
                        "redis: {timeout: 5 seconds}",
                        "redis.timeout: must be a positive duration such as 500ms, 15s, 15m, 24h or 7d (was \"5 seconds\")"),
                invalid(
                        "duration zero",
                        "auth: {access-ttl: 0s}",
                        "auth.access-ttl: must be a positive duration such as 500ms, 15s, 15m, 24h or 7d (was \"0s\")"),
                invalid(
                        "allowance negative",
                        "auth: {leeway: -1s}",
                        "auth.leeway: must be a duration such as 500ms, 15s, 15m, 24h or 7d (was \"-1s\")"),
                invalid(
                        "auth path",
                        "auth: {path: auth/}",
                        "auth.path: must be a path such as /auth, without a trailing slash (was \"auth/\")"),
                invalid(
                        "auth algorithm",
                        "auth: {algorithm: PS256}",
                        "auth.algorithm: must be one of RS256 | ES256 | HS256 (was \"PS256\")"),
                invalid(
                        "kid syntax",
                        "auth: {algorithm: HS256, signing-keys: [{kid: \"bad kid\", secret: " + SECRET_32 + "}]}",
                        "auth.signing-keys[0].kid: must be 1-64 characters of A-Z a-z 0-9 . _ - (was \"bad kid\")"),
                invalid(
                        "kid twice",
                        "auth: {algorithm: HS256, signing-keys: [{kid: k1, secret: " + SECRET_32 + "}, "
                                + "{kid: k1, secret: " + SECRET_32 + "}]}",
                        "auth.signing-keys[1].kid: is used twice (was \"k1\")"),
                invalid(
                        "HS256 without secret",
                        "auth: {algorithm: HS256, signing-keys: [{kid: k1}]}",
                        "auth.signing-keys[0].secret: HS256 needs a secret: give secret-env, secret or file"),
                invalid(
                        "HS256 secret too short",
                        "auth: {algorithm: HS256, signing-keys: [{kid: k1, secret: tiny}]}",
                        "auth.signing-keys[0].secret: too short for HS256: needs at least 32 bytes, was 4"),
                invalid(
                        "RS256 with a secret",
                        "auth: {algorithm: RS256, signing-keys: [{kid: k1, secret: " + SECRET_32 + "}]}",
                        "auth.signing-keys[0].secret: RS256 signs with a PEM key file: give file, not a secret",
                        "auth.signing-keys[0].file: RS256 needs a PEM private key file"),
                invalid(
                        "RS256 key file missing",
                        "auth: {signing-keys: [{kid: k1, file: missing.pem}]}",
                        "auth.signing-keys[0].file: no readable file there (was \""),
                invalid(
                        "signing key outside demo mode",
                        "gateway: {demo: false}",
                        "auth.signing-keys: required outside demo mode: at least one key must sign the gateway's tokens"),
                invalid(
                        "users in redis without redis",
                        "auth: {users: redis}",
                        "auth.users: is redis but redis.uri is not set"),
                invalid(
                        "token cache in redis without redis",
                        "auth: {token-cache: {redis: true}}",
                        "auth.token-cache.redis: is true but redis.uri is not set"),
                invalid(
                        "token cache size",
                        "auth: {token-cache: {size: -1}}",
                        "auth.token-cache.size: must be a whole number from 0 to 10000000 (was -1)"),
                invalid(
                        "trusted issuer",
                        "auth: {trusted-issuers: [{jwks-uri: \"ftp://idp\"}]}",
                        "auth.trusted-issuers[0].issuer: required",
                        "auth.trusted-issuers[0].jwks-uri: must be an https:// URL (http:// only for a loopback host) (was \"ftp://idp\")"),
                invalid(
                        "trusted issuer jwks over plain http",
                        "auth: {trusted-issuers: [{issuer: \"https://idp.example\", "
                                + "jwks-uri: \"http://idp.example/certs\"}]}",
                        "auth.trusted-issuers[0].jwks-uri: must be an https:// URL (http:// only for a loopback host) "
                                + "(was \"http://idp.example/certs\")"),
                invalid(
                        "trusted issuer alias",
                        "auth: {trusted-issuers: [{issuer: \"https://idp.example\", "
                                + "jwks-uri: \"https://idp.example/certs\", alias: \"a:b\"}]}",
                        "auth.trusted-issuers[0].alias: must be 1-64 characters of A-Z a-z 0-9 . _ - (was \"a:b\")"),
                invalid(
                        "trusted issuer alias twice",
                        "auth: {trusted-issuers: [{issuer: \"https://idp.example/a\", "
                                + "jwks-uri: \"https://idp.example/a/certs\"}, {issuer: \"https://idp.example/b\", "
                                + "jwks-uri: \"https://idp.example/b/certs\"}]}",
                        "auth.trusted-issuers[1].alias: is used twice (was \"idp.example\"): give each issuer its own alias"),
                invalid(
                        "trusted issuer alias is a consumer key",
                        "auth: {trusted-issuers: [{issuer: \"https://idp.example\", "
                                + "jwks-uri: \"https://idp.example/certs\", alias: alice}], consumers: [{key: alice, secret-env: ALICE_SECRET}]}",
                        "auth.consumers[0].key: is also a trusted issuer's alias (was \"alice\")"),
                invalid(
                        "consumer key with colon",
                        "auth: {consumers: [{key: \"a:b\", secret-env: ALICE_SECRET}]}",
                        "auth.consumers[0].key: must be 1-64 characters of A-Z a-z 0-9 . _ - (was \"a:b\")"),
                invalid(
                        "consumer max lifetime",
                        "auth: {consumers: [{key: alice, secret-env: ALICE_SECRET, max-lifetime: 0s}]}",
                        "auth.consumers[0].max-lifetime: "),
                invalid(
                        "consumer roles",
                        "auth: {consumers: [{key: alice, secret-env: ALICE_SECRET, roles: [{a: b}]}]}",
                        "auth.consumers[0].roles[0]: must be a string"),
                invalid(
                        "consumer audience blank",
                        "auth: {consumers: [{key: alice, secret-env: ALICE_SECRET, audience: \" \"}]}",
                        "auth.consumers[0].audience: "),
                invalid(
                        "consumer without key or secret",
                        "auth: {consumers: [{algorithm: HS256}]}",
                        "auth.consumers[0].key: required",
                        "auth.consumers[0].secret-env: a consumer needs a secret: give secret-env, secret-file or secret"),
                invalid(
                        "consumer key twice",
                        "auth: {consumers: [{key: alice, secret-env: ALICE_SECRET}, "
                                + "{key: alice, secret-env: ALICE_SECRET}]}",
                        "auth.consumers[1].key: is used twice (was \"alice\")"),
                invalid(
                        "consumer algorithm",
                        "auth: {consumers: [{key: alice, algorithm: RS256, secret-env: ALICE_SECRET}]}",
                        "auth.consumers[0].algorithm: consumers verify with a shared secret: only HS256 is supported"),
                invalid(
                        "bootstrap admin without username",
                        "auth: {bootstrap-admin: {password-env: ALICE_SECRET}}",
                        "auth.bootstrap-admin.username: required"),
                invalid(
                        "bootstrap admin username with space",
                        "auth: {bootstrap-admin: {username: \"a b\", " + "password-env: ALICE_SECRET}}",
                        "auth.bootstrap-admin.username: must be 1-64 characters without spaces or control characters "
                                + "(was \"a b\")"),
                invalid(
                        "bootstrap admin without password",
                        "auth: {bootstrap-admin: {username: ops}}",
                        "auth.bootstrap-admin.password-env: required: the environment variable that holds the password"),
                invalid(
                        "bootstrap admin password twice",
                        "auth: {bootstrap-admin: {username: ops, password-env: "
                                + "ALICE_SECRET, password: \"long enough\"}}",
                        "auth.bootstrap-admin.password: give either password-env or password, not both"),
                invalid(
                        "bootstrap admin password env unset",
                        "auth: {bootstrap-admin: {username: ops, password-env: NOT_SET}}",
                        "auth.bootstrap-admin.password-env: environment variable NOT_SET is not set"),
                invalid(
                        "bootstrap admin password short",
                        "auth: {bootstrap-admin: {username: ops, password-env: SHORT_SECRET}}",
                        "auth.bootstrap-admin.password: must be 8-1024 characters, was 4"),
                invalid(
                        "bootstrap admin with container users",
                        "auth: {users: container, bootstrap-admin: {username: ops, " + "password-env: ALICE_SECRET}}",
                        "auth.bootstrap-admin.username: auth.users is container: the container's realm manages users "
                                + "and their roles"),
                invalid(
                        "bootstrap admin unknown key",
                        "auth: {bootstrap-admin: {username: ops, password-env: ALICE_SECRET, " + "roles: [admin]}}",
                        "auth.bootstrap-admin.roles: "),
                invalid(
                        "consumer secret-env unset",
                        "auth: {consumers: [{key: alice, secret-env: NOT_SET}]}",
                        "auth.consumers[0].secret-env: environment variable NOT_SET is not set"),
                invalid(
                        "consumer secret given twice",
                        "auth: {consumers: [{key: alice, secret-env: ALICE_SECRET, secret: " + SECRET_32 + "}]}",
                        "auth.consumers[0].secret: give either secret-env or secret, not both"),
                invalid(
                        "consumer secret too short",
                        "auth: {consumers: [{key: alice, secret-env: SHORT_SECRET}]}",
                        "auth.consumers[0].secret: too short for HS256: needs at least 32 bytes, was 4"),
                invalid(
                        "consumer secret file missing",
                        "auth: {consumers: [{key: alice, secret-file: nope.txt}]}",
                        "auth.consumers[0].secret-file: no readable file there (was \""),
                // Found by ConfigLoaderPropertiesTest: a device never ends (the loader read /dev/zero until it ran
                // out of memory) and a name with NUL threw InvalidPathException out of the loader.
                invalid(
                        "secret file is a device",
                        "auth: {consumers: [{key: alice, secret-file: /dev/zero}]}",
                        "auth.consumers[0].secret-file: no readable file there (was \"/dev/zero\")"),
                invalid(
                        "key file is a device",
                        "auth: {algorithm: HS256, signing-keys: [{kid: k1, file: /dev/zero}]}",
                        "auth.signing-keys[0].file: no readable file there (was \"/dev/zero\")",
                        "auth.signing-keys[0].secret: HS256 needs a secret: give secret-env, secret or file"),
                invalid(
                        "file name with NUL",
                        "auth: {consumers: [{key: alice, secret-file: \"a\\0b\"}]}",
                        "auth.consumers[0].secret-file: not a file path (Nul character not allowed)"),
                invalid(
                        "rules file is a directory",
                        "waf: {rules-file: .}",
                        "waf.rules-file: no readable file there (was \""),
                // Found by ConfigLoaderPropertiesTest: numbers past the range of long wrapped round to small ones.
                invalid(
                        "limit past long",
                        "rate-limits: {default: {limit: 18446744073709551617, window: 1m}}",
                        "rate-limits.default.limit: must be a whole number from 1 to 1000000000 (was 18446744073709551617)"),
                invalid(
                        "size past long",
                        "waf: {max-body: 999999999999GB}",
                        "waf.max-body: must be a positive size such as 512KB or 1MB (was \"999999999999GB\")"),
                invalid(
                        "api key header",
                        "api-keys: {header: \"x api key\"}",
                        "api-keys.header: must be an HTTP header name (was \"x api key\")"),
                invalid(
                        "static key id and hash",
                        "api-keys: {static: [{id: \"a b\", sha256: abc}]}",
                        "api-keys.static[0].id: must be 1-64 characters of A-Z a-z 0-9 . _ : - (was \"a b\")",
                        "api-keys.static[0].sha256: must be the 64 hex digits of the key's SHA-256 (keys are never stored in clear)"),
                invalid(
                        "static key id twice",
                        "api-keys: {static: [{id: k, sha256: " + "a".repeat(64) + "}, {id: k, sha256: " + "b".repeat(64)
                                + "}]}",
                        "api-keys.static[1].id: is used twice (was \"k\")"),
                invalid(
                        "rate limit window",
                        "rate-limits: {default: {limit: 10, window: 1500ms}}",
                        "rate-limits.default.window: must be a whole number of seconds, at least 1s (was PT1.5S)"),
                invalid(
                        "rate limit limit",
                        "rate-limits: {anonymous: {limit: 0}}",
                        "rate-limits.anonymous.limit: must be a whole number from 1 to 1000000000 (was 0)"),
                invalid(
                        "rate limit algorithm",
                        "rate-limits: {algorithm: leaky}",
                        "rate-limits.algorithm: must be one of fixed-window | sliding-window | token-bucket (was \"leaky\")"),
                invalid(
                        "revocation mirror",
                        "revocation: {mirror: \"yes\"}",
                        "revocation.mirror: must be true or false (was \"yes\")"),
                invalid(
                        "boolean",
                        "rate-limits: {enabled: \"true\"}",
                        "rate-limits.enabled: must be true or false (was \"true\")"),
                invalid(
                        "route prefix relative",
                        "routes: [{prefix: api, upstream: \"http://a:1\"}]",
                        "routes[0].prefix: must be a path starting with / and without a trailing slash (was \"api\")"),
                invalid(
                        "route prefix trailing slash",
                        "routes: [{prefix: /api/, upstream: \"http://a:1\"}]",
                        "routes[0].prefix: must be a path starting with / and without a trailing slash (was \"/api/\")"),
                invalid(
                        "route prefix with a path parameter",
                        "routes: [{prefix: /api;v=1, upstream: \"http://a:1\"}]",
                        "routes[0].prefix: must be a decoded path without ;, %, \\, control characters or . and .. "
                                + "segments (was \"/api;v=1\")"),
                invalid(
                        "route prefix percent-encoded",
                        "routes: [{prefix: /caf%C3%A9, upstream: \"http://a:1\"}]",
                        "routes[0].prefix: must be a decoded path without ;, %, \\, control characters or . and .. "
                                + "segments (was \"/caf%C3%A9\")"),
                invalid(
                        "route prefix with a dot-segment",
                        "routes: [{prefix: /api/./x, upstream: \"http://a:1\"}]",
                        "routes[0].prefix: must be a decoded path without ;, %, \\, control characters or . and .. "
                                + "segments (was \"/api/./x\")"),
                invalid(
                        "route prefix with a backslash",
                        "routes: [{prefix: \"/api\\\\x\", upstream: \"http://a:1\"}]",
                        "routes[0].prefix: must be a decoded path without ;, %, \\, control characters or . and .. "
                                + "segments (was \"/api\\x\")"),
                invalid(
                        "path parameters not a boolean",
                        "routes: [{prefix: /api, upstream: \"http://a:1\", " + "path-parameters: sometimes}]",
                        "routes[0].path-parameters: must be true or false (was \"sometimes\")"),
                invalid(
                        "route prefix twice",
                        "routes: [{prefix: /api, upstream: \"http://a:1\"}, "
                                + "{prefix: /api, upstream: \"http://b:1\"}]",
                        "routes[1].prefix: is used by two routes (was \"/api\")",
                        "routes[1].id: is used by two routes (was \"/api\")"),
                invalid(
                        "route prefix reserved",
                        "routes: [{prefix: /health/x, upstream: \"http://a:1\"}]",
                        "routes[0].prefix: is answered by the gateway itself and cannot be routed (was \"/health/x\")"),
                invalid(
                        "route prefix under metrics",
                        "routes: [{prefix: /metrics/x, upstream: \"http://a:1\"}]",
                        "routes[0].prefix: is answered by the gateway itself and cannot be routed (was \"/metrics/x\")"),
                invalid(
                        "route prefix under auth path",
                        "routes: [{prefix: /auth, upstream: \"http://a:1\"}]",
                        "routes[0].prefix: is answered by the gateway itself and cannot be routed (was \"/auth\")"),
                invalid(
                        "route id twice",
                        "routes: [{prefix: /a, id: x, upstream: \"http://a:1\"}, "
                                + "{prefix: /b, id: x, upstream: \"http://b:1\"}]",
                        "routes[1].id: is used by two routes (was \"x\")"),
                invalid(
                        "upstream not a URL",
                        "routes: [{prefix: /api, upstream: \"htp:/x\"}]",
                        "routes[0].upstream: not an http:// or https:// URL without query (was \"htp:/x\")"),
                invalid(
                        "upstream list item",
                        "routes: [{prefix: /api, upstream: [\"http://a:1\", \"http://b:2/?x=1\"]}]",
                        "routes[0].upstream[1]: not an http:// or https:// URL without query (was \"http://b:2/?x=1\")"),
                invalid(
                        "upstream missing",
                        "routes: [{prefix: /api}]",
                        "routes[0].upstream: required (or direct, or webapp: true)"),
                invalid(
                        "webapp with upstream",
                        "routes: [{prefix: /api, upstream: \"http://a:1\", webapp: true}]",
                        "routes[0].webapp: a route served by the web application has no upstream and no direct"),
                invalid(
                        "webapp with direct",
                        "routes: [{prefix: /cart, auth: jwt, webapp: true, " + "direct: {redis-key: \"cart:{sub}\"}}]",
                        "routes[0].webapp: a route served by the web application has no upstream and no direct"),
                invalid(
                        "webapp not a boolean",
                        "routes: [{prefix: /api, webapp: yes please}]",
                        "routes[0].webapp: must be true or false (was \"yes please\")"),
                invalid(
                        "upstream and direct",
                        "routes: [{prefix: /api, upstream: \"http://a:1\", direct: {redis-key: k}}]",
                        "routes[0].direct: a route has either upstream or direct, not both"),
                invalid(
                        "direct without key",
                        "routes: [{prefix: /cart, direct: {}}]",
                        "routes[0].direct.redis-key: required"),
                invalid(
                        "direct key malformed",
                        "routes: [{prefix: /cart, auth: jwt, direct: {redis-key: \"cart:{sub\"}}]",
                        "routes[0].direct.redis-key: has a '{' without its '}' (was \"cart:{sub\")"),
                invalid(
                        "direct without jwt",
                        "routes: [{prefix: /cart, direct: {redis-key: \"cart:{sub}\"}}]",
                        "routes[0].direct.redis-key: must name the caller with {sub} (or another identifying claim) "
                                + "on an auth: jwt route, so that no caller can read another's key (was \"cart:{sub}\")"),
                invalid(
                        "direct key shared by every caller",
                        "routes: [{prefix: /cart, auth: jwt, "
                                + "direct: {redis-key: \"cart:{iss}:{path.user}\", path: \"/{user}\"}}]",
                        "routes[0].direct.redis-key: must name the caller with {sub} (or another identifying claim) "
                                + "on an auth: jwt route, so that no caller can read another's key (was \"cart:{iss}:{path.user}\")"),
                invalid(
                        "direct key segment undeclared",
                        "routes: [{prefix: /cart, auth: jwt, " + "direct: {redis-key: \"n:{sub}:{path.id}\"}}]",
                        "routes[0].direct.redis-key: uses {path.id} but direct.path declares no segment id "
                                + "(was \"n:{sub}:{path.id}\")"),
                invalid(
                        "direct path malformed",
                        "routes: [{prefix: /cart, auth: jwt, "
                                + "direct: {redis-key: \"cart:{sub}\", path: \"/{a}/b\"}}]",
                        "routes[0].direct.path: must be segments of distinct {name} placeholders such as /{list}/{item} "
                                + "(was \"/{a}/b\")"),
                invalid(
                        "route rate limit true",
                        "routes: [{prefix: /api, upstream: \"http://a:1\", rate-limit: true}]",
                        "routes[0].rate-limit: must be off, false or a mapping {limit, window} (was true)"),
                invalid(
                        "route rate limit without limit",
                        "routes: [{prefix: /api, upstream: \"http://a:1\", " + "rate-limit: {window: 1m}}]",
                        "routes[0].rate-limit.limit: required"),
                invalid(
                        "scopes without auth",
                        "routes: [{prefix: /api, upstream: \"http://a:1\", scopes: [orders]}]",
                        "routes[0].scopes: needs auth: jwt or auth: api-key on the same route"),
                invalid(
                        "route auth",
                        "routes: [{prefix: /api, upstream: \"http://a:1\", auth: oauth}]",
                        "routes[0].auth: must be one of none | jwt | api-key (was \"oauth\")"),
                invalid(
                        "route timeout",
                        "routes: [{prefix: /api, upstream: \"http://a:1\", timeout: 30}]",
                        "routes[0].timeout: must be a positive duration such as 500ms, 15s, 15m, 24h or 7d (was 30)"),
                invalid("routes not a list", "routes: {prefix: /api}", "routes: must be a list (was a mapping)"),
                invalid(
                        "waf paranoia",
                        "waf: {paranoia: 5}",
                        "waf.paranoia: must be a whole number from 1 to 4 (was 5)"),
                invalid(
                        "size syntax",
                        "waf: {max-body: lots}",
                        "waf.max-body: must be a positive size such as 512KB or 1MB (was \"lots\")"),
                invalid(
                        "allowed method",
                        "waf: {allowed-methods: [GET, get]}",
                        "waf.allowed-methods[1]: must be an upper-case HTTP method (was \"get\")"),
                invalid(
                        "rules file missing",
                        "waf: {rules-file: nope.yaml}",
                        "waf.rules-file: no readable file there (was \""),
                invalid(
                        "exclusion prefix",
                        "waf: {exclusions: [{prefix: api, rules: [xss]}]}",
                        "waf.exclusions[0].prefix: must be a path starting with / (was \"api\")"),
                invalid(
                        "exclusion without rules",
                        "waf: {exclusions: [{prefix: /api}]}",
                        "waf.exclusions[0].rules: must name at least one rule family: custom, generic, java, lfi, php, "
                                + "protocol, rce, rfi, scanner, session-fixation, sqli, ssrf, xss"),
                invalid(
                        "exclusion rule unknown",
                        "waf: {exclusions: [{prefix: /api, rules: [nosuch]}]}",
                        "waf.exclusions[0].rules[0]: not a rule family or rule id (was \"nosuch\"); families: custom"),
                invalid(
                        "exclusion target unknown",
                        "waf: {exclusions: [{prefix: /api, rules: [xss], targets: [arg:q, 'query:q']}]}",
                        "waf.exclusions[0].targets[1]: not a target (was \"query:q\"); targets: json:$.path.to.field, arg:name,"
                                + " header:name, cookie:name, body"),
                invalid(
                        "waf mode",
                        "waf: {mode: strict}",
                        "waf.mode: must be one of block | detect | off (was \"strict\")"),
                invalid(
                        "logging level",
                        "logging: {level: verbose}",
                        "logging.level: must be one of debug | error | info | trace | warn (was \"verbose\")"),
                invalid(
                        "logging format",
                        "logging: {format: xml}",
                        "logging.format: must be one of json | text (was \"xml\")"),
                invalid("section not a mapping", "waf: [1, 2]", "waf: must be a mapping (was a list)"),
                invalid("string expected", "auth: {issuer: [a]}", "auth.issuer: must be a string (was a list)"),
                invalid(
                        "list item not a string",
                        "routes: [{prefix: /api, upstream: \"http://a:1\", auth: jwt, scopes: [{a: 1}]}]",
                        "routes[0].scopes[0]: must be a string (was a mapping)"),
                invalid(
                        "list expected",
                        "waf: {allowed-methods: {a: 1}}",
                        "waf.allowed-methods: must be a list of strings (was a mapping)"),
                invalid(
                        "client address header",
                        "gateway: {demo: true, client-address-header: x-real-ip}",
                        "gateway.client-address-header: must be one of x-forwarded-for | forwarded (was \"x-real-ip\")"),
                invalid(
                        "public url not http",
                        "gateway: {demo: true, public-url: \"ftp://gw.example\"}",
                        "gateway.public-url: not an http:// or https:// URL without query, fragment or user info (was \"ftp://gw.example\")"),
                invalid(
                        "public url with query",
                        "gateway: {demo: true, public-url: \"https://gw.example/?a=b\"}",
                        "gateway.public-url: not an http:// or https:// URL without query, fragment or user info (was \"https://gw.example/?a=b\")"),
                invalid(
                        "strip header not a name",
                        "gateway: {demo: true, strip-headers: [\"X Tenant\"]}",
                        "gateway.strip-headers[0]: must be a header name, or a prefix ending in * such as X-Tenant-* (was \"X Tenant\")"),
                invalid(
                        "strip header wildcard alone",
                        "gateway: {demo: true, strip-headers: [\"*\"]}",
                        "gateway.strip-headers[0]: must be a header name, or a prefix ending in * such as X-Tenant-* (was \"*\")"),
                invalid(
                        "strip header needed for forwarding",
                        "gateway: {demo: true, strip-headers: [X-Ok, Content_Length]}",
                        "gateway.strip-headers[1]: the gateway needs this header to forward the request (was \"Content_Length\")"),
                invalid(
                        "allowed content type",
                        "waf: {allowed-content-types: [application/json, \"json\"]}",
                        "waf.allowed-content-types[1]: must be a media type such as application/json, text/* or application/*+json, without parameters (was \"json\")"),
                invalid(
                        "allowed content type with parameters",
                        "waf: {allowed-content-types: [\"text/plain; charset=utf-8\"]}",
                        "waf.allowed-content-types[0]: must be a media type"),
                invalid(
                        "route content type",
                        "routes: [{prefix: /up, upstream: \"http://a:1\", allowed-content-types: [\"*/octet-stream\"]}]",
                        "routes[0].allowed-content-types[0]: must be a media type"),
                invalid(
                        "route max body",
                        "routes: [{prefix: /up, upstream: \"http://a:1\", max-body: 0}]",
                        "routes[0].max-body: must be a positive size such as 512KB or 1MB (was 0)"),
                invalid(
                        "auth limit window",
                        "auth: {limits: {endpoints: {limit: 5, window: 1500ms}}}",
                        "auth.limits.endpoints.window: must be a whole number of seconds, at least 1s"),
                invalid(
                        "login free attempts",
                        "auth: {limits: {login: {per-username-and-address: 0}}}",
                        "auth.limits.login.per-username-and-address: must be a whole number from 1 to 1000 (was 0)"),
                invalid(
                        "login back-off order",
                        "auth: {limits: {login: {backoff: 1m, max-backoff: 10s}}}",
                        "auth.limits.login.max-backoff: must not be shorter than backoff (PT1M, was PT10S)"),
                invalid(
                        "login back-off longest",
                        "auth: {limits: {login: {max-backoff: 2d}}}",
                        "auth.limits.login.max-backoff: must be at most 1d (was PT48H)"),
                invalid(
                        "hash concurrency",
                        "auth: {max-concurrent-hashes: 0}",
                        "auth.max-concurrent-hashes: must be a whole number from 1 to 1024 (was 0)"),
                invalid(
                        "api-key lifetime",
                        "auth: {api-keys: {max-lifetime: 4000d}}",
                        "auth.api-keys.max-lifetime: must be at most 3650d (was PT96000H)"),
                invalid(
                        "api-key lifetime too short",
                        "auth: {api-keys: {max-lifetime: 30s}}",
                        "auth.api-keys.max-lifetime: must be at least 1m (was PT30S)"),
                invalid(
                        "api-key cap",
                        "auth: {api-keys: {max-per-user: 0}}",
                        "auth.api-keys.max-per-user: must be a whole number from 1 to 10000 (was 0)"),
                invalid(
                        "api-key reauth",
                        "auth: {api-keys: {reauth: soon}}",
                        "auth.api-keys.reauth: must be a positive duration such as 500ms, 15s, 15m, 24h or 7d (was \"soon\")"),
                invalid("unknown top-level key", "gatway: {}", "gatway: unknown key"),
                invalid(
                        "unknown nested key",
                        "gateway: {demo: true, trusted-proxys: [127.0.0.1/32]}",
                        "gateway.trusted-proxys: unknown key"),
                invalid(
                        "unknown key in a list item",
                        "routes: [{prefix: /api, upstream: \"http://a:1\", stripprefix: true}]",
                        "routes[0].stripprefix: unknown key"));
    }

    private static Arguments invalid(String name, String yaml, String... expected) {
        String text = yaml.contains("gateway:") ? yaml : "gateway: {demo: true}\n" + yaml;
        return Arguments.of(name, text, List.of(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigurations")
    void parseWhenInvalidThenProblemNamesKeyAndValue(String name, String yaml, List<String> expected) {
        List<String> problems = problems(yaml);

        assertEquals(expected.size(), problems.size(), () -> "problems: " + problems);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(
                    problems.get(i).startsWith(expected.get(i)),
                    "expected " + expected.get(i) + "\nbut was " + problems.get(i));
        }
    }

    @Test
    void parseWhenRevocationSectionAbsentOrSetThenMirrorFollows() {
        assertFalse(parse("gateway: {demo: true}").revocation().mirror(), "off by default");
        assertTrue(parse("gateway: {demo: true}\nrevocation: {mirror: true}")
                .revocation()
                .mirror());
    }

    @Test
    void parseWhenEdgeKeysAbsentThenSafeDefaults() {
        GatewayConfig config = parse("gateway: {demo: true}\nauth: {issuer: portcullis}");

        assertEquals(
                GatewayConfig.ClientAddressHeader.X_FORWARDED_FOR,
                config.gateway().clientAddressHeader());
        assertEquals(Optional.empty(), config.gateway().publicUrl(), "an issuer that is not a URL is no public URL");
        assertEquals(List.of(), config.gateway().stripHeaders());
        assertEquals(WafConfig.DEFAULT_CONTENT_TYPES, config.waf().allowedContentTypes());
    }

    @Test
    void parseWhenIssuerIsAnHttpsUrlThenItIsThePublicUrl() {
        assertEquals(
                Optional.of(URI.create("https://gw.example/base")),
                parse("gateway: {demo: true}\nauth: {issuer: \"https://gw.example/base/\"}")
                        .gateway()
                        .publicUrl());
    }

    @Test
    void parseWhenEdgeKeysGivenThenRead() {
        GatewayConfig config = parse("""
                gateway:
                  demo: true
                  client-address-header: forwarded
                  public-url: "https://api.example/"
                  strip-headers: [X-Tenant_Id, "X-Internal-*"]
                auth: {issuer: "https://issuer.example"}
                waf: {allowed-content-types: [application/json, "Text/*"]}
                routes:
                  - {prefix: /up, upstream: "http://a:1", max-body: 20MB, allowed-content-types: [application/octet-stream]}
                """);

        assertEquals(
                GatewayConfig.ClientAddressHeader.FORWARDED, config.gateway().clientAddressHeader());
        assertEquals(
                Optional.of(URI.create("https://api.example")), config.gateway().publicUrl());
        assertEquals(List.of("x-tenant-id", "x-internal-*"), config.gateway().stripHeaders());
        assertEquals(List.of("application/json", "text/*"), config.waf().allowedContentTypes());
        RouteConfig.Bodies bodies = config.routes().get(0).bodies();
        assertEquals(java.util.OptionalLong.of(20L * 1024 * 1024), bodies.maxBody());
        assertEquals(List.of("application/octet-stream"), bodies.extraContentTypes());
    }

    @Test
    void parseWhenYamlBareOffThenModeOff() {
        // YAML 1.1 turns a bare `off` into false; users write it that way.
        assertEquals(
                WafConfig.Mode.OFF,
                parse("gateway: {demo: true}\nwaf: {mode: off}").waf().mode());
        assertEquals(
                WafConfig.Mode.OFF,
                parse("gateway: {demo: true}\nwaf: {mode: \"off\"}").waf().mode());
    }

    @Test
    void parseWhenNotYamlThenOneProblemWithPosition() {
        List<String> problems = problems("routes: [\n  - {prefix: /a\n");

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("not valid YAML at line "), problems.get(0));
    }

    /** Found by ConfigLoaderPropertiesTest: the YAML parser quoted the offending line, secret and all. */
    @Test
    void parseWhenYamlBreaksOnASecretsLineThenTheSecretIsNotQuoted() {
        List<String> problems =
                problems("auth:\n  algorithm: HS256\n  signing-keys:\n    - { kid: k1, secret: \"" + SECRET_32 + "\n");

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("not valid YAML at line "), problems.get(0));
        assertFalse(problems.get(0).contains(SECRET_32), problems.get(0));
        assertFalse(problems.get(0).contains("\n"), "one line per problem");
    }

    @Test
    void parseWhenTopLevelIsNotAMappingThenProblem() {
        assertEquals(
                "(top level): must be a mapping (was a list)",
                problems("- a\n- b\n").get(0));
    }

    @Test
    void parseWhenEmptyThenDefaultsAndOnlyTheMissingSigningKey() {
        assertEquals(
                List.of(
                        "auth.signing-keys: required outside demo mode: at least one key must sign the gateway's tokens"),
                problems(""));
        assertEquals(
                List.of(
                        "auth.signing-keys: required outside demo mode: at least one key must sign the gateway's tokens"),
                problems("# only a comment\n"));
    }

    @Test
    void parseWhenSeveralProblemsThenAllInOneMessageNamingTheSource() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                gateway: {demo: true, tursted-proxies: []}
                routes:
                  - { prefix: /api, upstream: "htp:/x", timeout: soon }
                logging: { level: loud }
                """));

        assertEquals(4, e.problems().size(), e.problems().toString());
        assertTrue(
                e.getMessage().startsWith("Invalid Portcullis configuration test.yaml (4 problems):"), e.getMessage());
        for (String problem : e.problems()) {
            assertTrue(e.getMessage().contains("  - " + problem), e.getMessage());
        }
        assertEquals(0, e.getStackTrace().length, "made without a stack trace");
    }

    @Test
    void parseWhenDurationsThenEveryUnit() {
        GatewayConfig config = parse("""
                gateway: {demo: true}
                redis: {timeout: 500ms}
                auth: {access-ttl: 15m, refresh-ttl: 7d, idle-timeout: 24h, leeway: 0s, refresh-grace: 45s}
                """);

        assertEquals(Duration.ofMillis(500), config.redis().timeout());
        assertEquals(Duration.ofMinutes(15), config.auth().accessTtl());
        assertEquals(Duration.ofDays(7), config.auth().refreshTtl());
        assertEquals(Duration.ofHours(24), config.auth().idleTimeout());
        assertEquals(Duration.ZERO, config.auth().leeway());
        assertEquals(Duration.ofSeconds(45), config.auth().refreshGrace());
    }

    @Test
    void parseWhenSizesThenBinaryUnits() {
        assertEquals(
                512L * 1024,
                parse("gateway: {demo: true}\nwaf: {max-body: 512KB}").waf().maxBody());
        assertEquals(
                1024L * 1024,
                parse("gateway: {demo: true}\nwaf: {max-body: 1MB}").waf().maxBody());
        assertEquals(
                2L * 1024 * 1024,
                parse("gateway: {demo: true}\nwaf: {max-body: 2mb}").waf().maxBody());
        assertEquals(
                100L,
                parse("gateway: {demo: true}\nwaf: {max-header: 100}").waf().maxHeader());
    }

    @Test
    void parseWhenSectionsAbsentThenDefaults() {
        GatewayConfig config =
                parse("gateway: {demo: true}\nroutes: [{prefix: /api, upstream: \"http://127.0.0.1:9000\"}]");

        RouteConfig route = config.routes().get(0);
        assertEquals("/api", route.id());
        assertEquals(List.of(URI.create("http://127.0.0.1:9000")), route.upstreams());
        assertEquals(RouteConfig.DEFAULT_TIMEOUT, route.timeout());
        assertFalse(route.stripPrefix());
        assertEquals(RouteConfig.AuthMode.NONE, route.auth());
        assertTrue(route.rateLimited());
        assertFalse(route.pathParameters());
        assertFalse(config.redis().enabled());
        assertEquals(RedisConfig.DEFAULT_KEY_PREFIX, config.redis().keyPrefix());
        assertEquals("x-api-key", config.apiKeys().header());
        assertEquals(WafConfig.Mode.BLOCK, config.waf().mode());
        assertEquals(
                List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
                config.waf().allowedMethods());
        assertEquals(GatewayConfig.LoggingConfig.Format.JSON, config.logging().format());
        assertEquals("info", config.logging().level());
        assertEquals(List.of(), config.gateway().trustedProxies());
        assertEquals(AuthConfig.LimitsConfig.DEFAULTS, config.auth().limits());
        assertEquals(AuthConfig.DERIVED_CONCURRENT_HASHES, config.auth().maxConcurrentHashes());
        assertEquals(AuthConfig.ApiKeyIssuanceConfig.DEFAULTS, config.auth().apiKeys());
    }

    @Test
    void parseWhenAuthLimitsAndApiKeyRulesThenAllTaken() {
        GatewayConfig config = parse("""
                gateway: {demo: true}
                auth:
                  limits:
                    endpoints: { limit: 50, window: 30s }
                    register: { limit: 3, window: 1h }
                    login: { per-username-and-address: 4, per-address: 40, per-username: 12, backoff: 2s,
                             max-backoff: 5m, window: 30m, remember: 0s }
                  max-concurrent-hashes: 3
                  api-keys: { reauth: 5m, max-lifetime: 30d, max-per-user: 7 }
                """);

        AuthConfig auth = config.auth();
        assertEquals(
                new RateLimitsConfig.Limit(50, Duration.ofSeconds(30)),
                auth.limits().endpoints());
        assertEquals(
                new RateLimitsConfig.Limit(3, Duration.ofHours(1)),
                auth.limits().register());
        assertEquals(
                new AuthConfig.LoginLimitsConfig(
                        4, 40, 12, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ZERO),
                auth.limits().login());
        assertEquals(3, auth.maxConcurrentHashes());
        assertEquals(
                new AuthConfig.ApiKeyIssuanceConfig(Duration.ofMinutes(5), Duration.ofDays(30), 7), auth.apiKeys());
    }

    @Test
    void parseWhenUpstreamListAndOptionsThenRouteHasThemAll() {
        RouteConfig route = parse("""
                gateway: {demo: true, trusted-proxies: [10.0.0.0/8, "::1"]}
                routes:
                  - prefix: /api/orders
                    id: orders
                    upstream: ["http://10.0.0.1:80/base", "https://orders.internal"]
                    strip-prefix: true
                    timeout: 1s
                    rate-limit: off
                    path-parameters: true
                """).routes().get(0);

        assertEquals("orders", route.id());
        assertEquals(
                List.of(URI.create("http://10.0.0.1:80/base"), URI.create("https://orders.internal")),
                route.upstreams());
        assertTrue(route.stripPrefix());
        assertEquals(Duration.ofSeconds(1), route.timeout());
        assertFalse(route.rateLimited());
        assertTrue(route.pathParameters());
    }

    @Test
    void parseWhenDirectRouteThenTemplatePathWritesAndBound() {
        GatewayConfig config = parse(
                "gateway: {demo: true}\nroutes: [{prefix: /notes, auth: jwt, direct: {redis-key: \"n:{sub}:{path.id}\", "
                        + "path: \"/{id}\", writes: true, max-body: 2KB}}]");

        RouteConfig.DirectConfig direct = config.routes().get(0).direct().orElseThrow();
        assertEquals(KeyTemplate.parse("n:{sub}:{path.id}"), direct.redisKey());
        assertEquals(List.of("id"), direct.path());
        assertTrue(direct.writes());
        assertEquals(2048, direct.maxBody());
        assertTrue(config.routes().get(0).upstreams().isEmpty());
    }

    @Test
    void parseWhenWebappRouteThenNoUpstreamNoDirectAndStagesStillConfigured() {
        RouteConfig route = parse("gateway: {demo: true}\nroutes: [{prefix: /orders, auth: jwt, scopes: [orders], "
                        + "webapp: true, rate-limit: {limit: 5, window: 1m}}]")
                .routes()
                .get(0);

        assertTrue(route.servedByWebapp());
        assertTrue(route.upstreams().isEmpty());
        assertTrue(route.direct().isEmpty());
        assertEquals(RouteConfig.AuthMode.JWT, route.auth());
        assertEquals(List.of("orders"), route.scopes());
        assertEquals(5, route.rateLimit().orElseThrow().limit());
    }

    @Test
    void parseWhenProxiedOrDirectRouteThenNotServedByWebapp() {
        GatewayConfig config = parse("gateway: {demo: true}\nroutes: [{prefix: /api, upstream: \"http://a:1\"}, "
                + "{prefix: /cart, auth: jwt, direct: {redis-key: \"cart:{sub}\"}}]");

        assertFalse(config.routes().get(0).servedByWebapp());
        assertFalse(config.routes().get(1).servedByWebapp());
    }

    @Test
    void parseWhenDirectRouteWithDefaultsThenReadOnlyWithTheDefaultBound() {
        RouteConfig.DirectConfig direct = parse(
                        "gateway: {demo: true}\nroutes: [{prefix: /cart, auth: jwt, direct: {redis-key: \"cart:{sub}\"}}]")
                .routes()
                .get(0)
                .direct()
                .orElseThrow();

        assertEquals(List.of(), direct.path());
        assertEquals(false, direct.writes());
        assertEquals(RouteConfig.DirectConfig.DEFAULT_MAX_BODY, direct.maxBody());
    }

    @Test
    void parseWhenSecretsThenNeverInProblemsOrToString() {
        String shortSecret = "hunter2-too-short";
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                redis: {uri: "http://user:redis-password@cache:6379"}
                auth:
                  algorithm: HS256
                  signing-keys: [{kid: k1, secret: %s}]
                  consumers: [{key: bob, secret-env: SHORT_SECRET}]
                """.formatted(shortSecret)));

        assertFalse(e.getMessage().contains(shortSecret), e.getMessage());
        assertFalse(e.getMessage().contains("redis-password"), e.getMessage());
        assertFalse(e.getMessage().contains("tiny"), e.getMessage());

        GatewayConfig config = parse("""
                redis: {uri: "redis://:redis-password@cache:6379/0"}
                auth:
                  algorithm: HS256
                  users: memory
                  signing-keys: [{kid: k1, secret: %s}]
                  consumers: [{key: alice, secret-env: ALICE_SECRET}]
                """.formatted(SECRET_32));
        String text = config.toString();
        assertFalse(text.contains(SECRET_32), text);
        assertFalse(text.contains("redis-password"), text);
        assertTrue(text.contains("***"), text);
        assertEquals(
                SECRET_32,
                new String(
                        config.auth()
                                .signingKeys()
                                .get(0)
                                .secret()
                                .orElseThrow()
                                .bytes(),
                        StandardCharsets.UTF_8));
    }

    @Test
    void loadWhenKeyFileRelativeThenResolvedAgainstTheConfigDirectory() throws Exception {
        Files.writeString(dir.resolve("hs.key"), SECRET_32 + "\n");
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, "auth: {algorithm: HS256, signing-keys: [{kid: k1, file: hs.key}]}\n");

        GatewayConfig config = loader.load(file);

        AuthConfig.SigningKeyConfig key = config.auth().signingKeys().get(0);
        assertEquals(Optional.empty(), key.file());
        assertEquals(SECRET_32, new String(key.secret().orElseThrow().bytes(), StandardCharsets.UTF_8));
        assertEquals(file.toString(), config.source());
        assertFalse(config.gateway().demo());
    }

    @Test
    void loadWhenFileMissingThenProblemNamesIt() {
        Path missing = dir.resolve("missing.yaml");

        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(missing));

        assertEquals(List.of(missing + ": no readable file there"), e.problems());
    }

    @Test
    void loadDemoWhenBuiltInThenDemoModeWithTheEchoRoute() {
        GatewayConfig config = loader.loadDemo();

        assertTrue(config.gateway().demo());
        assertEquals("(built-in demo)", config.source());
        RouteConfig echo = config.routes().get(0);
        assertEquals("/api/echo", echo.prefix());
        assertEquals(List.of(URI.create("http://127.0.0.1:8080/_demo/echo")), echo.upstreams());
        assertTrue(echo.stripPrefix());
        assertEquals(GatewayConfig.LoggingConfig.Format.TEXT, config.logging().format());
    }

    @Test
    void loadDemoWhenPortGivenThenEchoUpstreamAndIssuerOnThatPort() {
        GatewayConfig config = loader.loadDemo(18282);

        for (RouteConfig route : config.routes()) {
            route.upstreams().forEach(u -> assertEquals(18282, u.getPort(), route.id() + ": " + u));
        }
        assertEquals(
                List.of(URI.create("http://127.0.0.1:18282/_demo/echo")),
                config.routes().get(0).upstreams());
        assertEquals("http://localhost:18282", config.auth().issuer());
    }

    @Test
    void startupWhenNoFileAndNoDemoPropertyThenRefusesNamingHowToConfigure() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.startup(Optional.empty(), null, null));

        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().contains("-Dportcullis.config="), e.getMessage());
        assertTrue(e.getMessage().contains("PORTCULLIS_CONFIG"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dportcullis.demo=true"), e.getMessage());
        assertThrows(ConfigException.class, () -> loader.startup(Optional.empty(), "false", "8080"));
        assertThrows(ConfigException.class, () -> loader.startup(Optional.empty(), " ", null));
    }

    @Test
    void startupWhenDemoPropertyTrueThenBuiltInDemoOnTheGivenPort() {
        assertTrue(loader.startup(Optional.empty(), "true", null).gateway().demo());
        assertEquals(
                "http://localhost:8080",
                loader.startup(Optional.empty(), "true", null).auth().issuer());
        assertEquals(
                "http://localhost:18282",
                loader.startup(Optional.empty(), "TRUE", " 18282 ").auth().issuer());
    }

    @Test
    void startupWhenDemoPortNotAPortThenRefusedNamingIt() {
        for (String port : List.of("abc", "0", "65536", "-1", "99999999999")) {
            ConfigException e =
                    assertThrows(ConfigException.class, () -> loader.startup(Optional.empty(), "true", port));
            assertTrue(
                    e.getMessage().contains("jetty.http.port") && e.getMessage().contains(port), e.getMessage());
        }
    }

    @Test
    void startupWhenFileGivenThenFileWinsOverTheDemoProperty() throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, "gateway: {demo: true}\nroutes: [{prefix: /x, upstream: \"http://127.0.0.1:9/\"}]\n");

        GatewayConfig config = loader.startup(Optional.of(file), "true", "18282");

        assertEquals(file.toString(), config.source());
        assertEquals("/x", config.routes().get(0).prefix());
    }

    /** Reported: "rate-limits.anonymous: must be a mapping (was "id001")" for a config that reuses a mapping. */
    @Test
    void parseWhenAnchorsAliasesAndMergeKeysThenResolved() {
        GatewayConfig config = parse("""
                gateway: {demo: true}
                rate-limits:
                  default: &limits {limit: 7, window: 30s}
                  anonymous:
                    <<: *limits
                    limit: 3
                routes:
                  - &route {prefix: /a, upstream: &upstream "http://127.0.0.1:9/", timeout: 2s}
                  - <<: *route
                    prefix: /b
                  - {prefix: /c, upstream: *upstream}
                """);

        assertEquals(
                new RateLimitsConfig.Limit(7, Duration.ofSeconds(30)),
                config.rateLimits().defaultLimit());
        assertEquals(
                new RateLimitsConfig.Limit(3, Duration.ofSeconds(30)),
                config.rateLimits().anonymous());
        assertEquals(
                List.of("/a", "/b", "/c"),
                config.routes().stream().map(RouteConfig::prefix).toList());
        assertEquals(config.routes().get(0).upstreams(), config.routes().get(1).upstreams());
        assertEquals(config.routes().get(0).upstreams(), config.routes().get(2).upstreams());
    }

    @Test
    void parseWhenAliasesUsedThenTypesAsWithoutThem() {
        GatewayConfig aliased = parse("gateway: {demo: true}\n"
                + "rate-limits: {default: {limit: &n 100, window: &w 45s}, anonymous: {limit: *n, window: *w}}\n");

        assertEquals(
                new RateLimitsConfig.Limit(100, Duration.ofSeconds(45)),
                aliased.rateLimits().anonymous());
    }

    @Test
    void parseWhenAliasesExpandExponentiallyThenOneProblemNotAHang() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }

        List<String> problems = problems(yaml.toString());

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("not valid YAML"), problems.get(0));
    }

    @Test
    void parseWhenAliasContainsItselfThenOneProblem() {
        List<String> problems = problems("a: &a [x, *a]\n");

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("not valid YAML"), problems.get(0));
    }

    @Test
    void parseWhenMergeKeyNamesAScalarThenProblem() {
        List<String> problems = problems("gateway: {demo: true}\nredis:\n  key-prefix: &s text\nauth:\n  <<: *s\n");

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("merge key"), problems.get(0));
    }

    @Test
    void parseWhenLoggingLevelsThenPerLoggerInFileOrder() {
        GatewayConfig config = parse(
                "gateway: {demo: true}\nlogging:\n  levels: {io.portcullis.waf: DEBUG, org.eclipse.jetty.client: warn}\n");

        assertEquals(
                Map.of("io.portcullis.waf", "debug", "org.eclipse.jetty.client", "warn"),
                config.logging().levels());
        assertEquals(
                List.of("io.portcullis.waf", "org.eclipse.jetty.client"),
                List.copyOf(config.logging().levels().keySet()));
    }

    @Test
    void parseWhenLoggingLevelsBadThenProblemsNamingEach() {
        List<String> problems =
                problems("gateway: {demo: true}\nlogging:\n  levels: {io.portcullis.waf: loud, \"bad name\": info}\n");

        assertEquals(
                List.of(
                        "logging.levels.io.portcullis.waf: must be one of debug | error | info | trace | warn (was \"loud\")",
                        "logging.levels.bad name: not a logger name such as io.portcullis.waf"),
                problems);
    }

    /** Found by ConfigLoaderPropertiesTest: a flow mapping whose colon lost its space made the secret a key. */
    @Test
    void parseWhenAValueBecomesAnUnknownKeyThenTheKeyIsNotQuoted() {
        List<String> problems = problems(
                "auth:\n  algorithm: HS256\n  signing-keys:\n    - { kid: k1, secret:-  \"" + SECRET_32 + "\" }\n");

        assertTrue(
                problems.contains("auth.signing-keys[0]: unknown key that is not a plain name (44 characters)"),
                problems.toString());
        assertFalse(problems.toString().contains(SECRET_32), problems.toString());
    }

    @Test
    void locateWhenSeveralGivenThenPropertyThenEnvironmentThenInitParameter() {
        assertEquals(Optional.of(Path.of("/a.yaml")), ConfigLoader.locate("/a.yaml", "/b.yaml", "/c.yaml"));
        assertEquals(Optional.of(Path.of("/b.yaml")), ConfigLoader.locate(null, "/b.yaml", "/c.yaml"));
        assertEquals(Optional.of(Path.of("/c.yaml")), ConfigLoader.locate(" ", null, " /c.yaml "));
        assertEquals(Optional.empty(), ConfigLoader.locate(null, "", null));
    }

    @Test
    void parseWhenConsumerAndTrustedIssuerOptionsThenRead() {
        GatewayConfig config = parse("""
                gateway: {demo: true}
                auth:
                  consumers:
                    - {key: partner-a, secret-env: ALICE_SECRET, roles: [orders], scopes: [reports], max-lifetime: 10m,
                       audience: orders-api}
                    - {key: partner-b, secret-env: ALICE_SECRET}
                  trusted-issuers:
                    - {issuer: "https://login.example/realms/main", jwks-uri: "https://login.example/certs"}
                    - {issuer: "https://login.example/realms/b2b", jwks-uri: "http://localhost:8180/certs", alias: b2b,
                       allow-id-tokens: true}
                    - {issuer: "https://other.example", jwks-uri: "http://[::1]:8180/certs", alias: other}
                    - {issuer: "https://third.example", jwks-uri: "http://127.0.0.2/certs", alias: third}
                """);
        AuthConfig.ConsumerConfig a = config.auth().consumers().get(0);
        assertEquals(List.of("orders"), a.roles());
        assertEquals(List.of("reports"), a.scopes());
        assertEquals(java.time.Duration.ofMinutes(10), a.maxLifetime());
        assertEquals(java.util.Optional.of("orders-api"), a.audience());
        AuthConfig.ConsumerConfig b = config.auth().consumers().get(1);
        assertEquals(List.of(), b.roles());
        assertEquals(AuthConfig.DEFAULT_CONSUMER_MAX_LIFETIME, b.maxLifetime());
        assertEquals(java.util.Optional.empty(), b.audience());
        List<AuthConfig.TrustedIssuerConfig> issuers = config.auth().trustedIssuers();
        assertEquals("login.example", issuers.get(0).alias());
        assertFalse(issuers.get(0).allowIdTokens());
        assertEquals("b2b", issuers.get(1).alias());
        assertTrue(issuers.get(1).allowIdTokens());
        assertEquals(
                List.of("other", "third"),
                List.of(issuers.get(2).alias(), issuers.get(3).alias()));
    }
}
