package io.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portcullis.testsupport.Bounded;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Configuration loading against arbitrary mutations of a valid file: values replaced by anything YAML can
 * hold, keys dropped or added, and the text itself cut, shuffled and garbled. Loading always ends in either a
 * configuration or a {@link ConfigException} that lists its problems; no other exception, no hang.
 */
class ConfigLoaderPropertiesTest {
    static final String VALID = """
            gateway:
              demo: false
              trusted-proxies: [127.0.0.1/32, "fd00::/8"]
            redis:
              key-prefix: "portcullis:"
              timeout: 200ms
              on-failure: { rate-limit: allow, revocation: deny }
            auth:
              path: /auth
              issuer: https://gw.example
              audience: api
              algorithm: HS256
              signing-keys:
                - { kid: k1, secret: "0123456789abcdef0123456789abcdef" }
              access-ttl: 15m
              refresh-ttl: 7d
              idle-timeout: 24h
              leeway: 15s
              refresh-grace: 30s
              token-cache: { size: 1000, redis: false }
              users: memory
              registration: true
              trusted-issuers:
                - { issuer: "https://idp.example", jwks-uri: "https://idp.example/certs", audience: api }
              consumers:
                - { key: partner, secret: "partner-secret-0123456789abcdef-xyz" }
            api-keys:
              header: x-api-key
              static:
                - { id: partner-a, sha256: 3463a80ec6492efdd4e9a0583c83bbc2b75fd984eecbf7ae32de281e92401653, scopes: [p] }
            rate-limits:
              algorithm: sliding-window
              default: { limit: 100, window: 1m }
              anonymous: { limit: 20, window: 1m }
            routes:
              - { prefix: /api/orders, upstream: "http://127.0.0.1:4002", auth: jwt, scopes: [orders], timeout: 30s }
              - { prefix: /api/inventory, upstream: ["http://127.0.0.1:4001", "http://127.0.0.1:4003"], auth: api-key }
              - { prefix: /api/open, upstream: "http://127.0.0.1:4001/base", rate-limit: off, strip-prefix: true }
              - prefix: /api/cart
                auth: jwt
                direct: { redis-key: "cart:{sub}:{path.item}", path: "/{item}", writes: true, max-body: 64KB }
            waf:
              mode: block
              paranoia: 1
              max-body: 1MB
              max-header: 16KB
              allowed-methods: [GET, POST]
              exclusions: [ { prefix: /api/cms, rules: [xss, "941100"] } ]
            logging:
              format: json
              level: info
            """;
    /** {@link #VALID} with the keys that name files, relative to the directory the files are written to. */
    static final String WITH_FILES = VALID.replace(
                    "- { kid: k1, secret: \"0123456789abcdef0123456789abcdef\" }", "- { kid: k1, file: k1.secret }")
            .replace(
                    "- { key: partner, secret: \"partner-secret-0123456789abcdef-xyz\" }",
                    "- { key: partner, secret-file: partner.secret }\n    - { key: env, secret-env: SECRET }")
            .replace("  mode: block\n", "  mode: block\n  rules-file: waf-extra.yaml\n")
            .replace("redis:\n", "redis:\n  uri: redis://127.0.0.1:6379/0\n")
            .replace("  users: memory\n", "  users: redis\n");
    /** How many scalar values {@link #WITH_FILES} holds. */
    private static final int LEAVES = 70;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ConfigLoader loader = new ConfigLoader(Map.of("SECRET", "0123456789abcdef0123456789abcdef")::get);
    private final Path files;

    ConfigLoaderPropertiesTest() throws IOException {
        files = Files.createTempDirectory("portcullis-config");
        Files.writeString(files.resolve("k1.secret"), "0123456789abcdef0123456789abcdef\n");
        Files.writeString(files.resolve("partner.secret"), "partner-secret-0123456789abcdef-xyz");
        Files.writeString(files.resolve("waf-extra.yaml"), "rules: []\n");
    }

    @AfterProperty
    void removeFiles() throws IOException {
        try (Stream<Path> paths = Files.walk(files)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Example
    void parseWhenWithFilesUntouchedThenLoads() {
        assertTrue(load(WITH_FILES, files) instanceof GatewayConfig);
        assertTrue(load(VALID, files) instanceof GatewayConfig);
    }

    @Property(tries = 300)
    void parseWhenValuesReplacedOrKeysDroppedThenConfigOrListedProblems(
            @ForAll("treeMutations") List<TreeMutation> mutations) {
        JsonNode root = tree(VALID);
        for (TreeMutation mutation : mutations) {
            mutation.apply(root);
        }
        assertLoadsOrListsProblems(yaml(root));
    }

    /** Every value of a file that uses every key, including the file-valued ones, against every hostile text. */
    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 5_000)
    void parseWhenAnyLeafHoldsHostileTextThenConfigOrListedProblems(
            @ForAll @IntRange(max = LEAVES - 1) int leaf, @ForAll("hostileText") String value) {
        JsonNode root = tree(WITH_FILES);
        List<Leaf> leaves = leaves(root);
        assertEquals(LEAVES, leaves.size(), "LEAVES counts the leaves of WITH_FILES");
        leaves.get(leaf).set(NODES.textNode(value));
        assertLoadsOrListsProblems(yaml(root), files);
    }

    /** A number is loaded exactly as written or refused, never wrapped round to another one. */
    @Property(tries = 200)
    void parseWhenNumbersOfAnySizeThenLoadedExactlyOrRefused(
            @ForAll("numbers") BigInteger limit, @ForAll("numbers") BigInteger size, @ForAll("sizeUnits") String unit) {
        String text = VALID.replace(
                        "default: { limit: 100, window: 1m }", "default: { limit: " + limit + ", window: 1m }")
                .replace("max-body: 1MB", "max-body: " + size + unit);

        Object outcome = load(text, files);

        if (outcome instanceof GatewayConfig config) {
            assertEquals(
                    limit, BigInteger.valueOf(config.rateLimits().defaultLimit().limit()));
            BigInteger factor = BigInteger.valueOf(
                    switch (unit) {
                        case "KB" -> 1024L;
                        case "MB" -> 1024L * 1024;
                        case "GB" -> 1024L * 1024 * 1024;
                        default -> 1L;
                    });
            assertEquals(size.multiply(factor), BigInteger.valueOf(config.waf().maxBody()));
        } else {
            assertTrue(outcome instanceof ConfigException, () -> String.valueOf(outcome));
        }
    }

    @Provide
    Arbitrary<BigInteger> numbers() {
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        return Arbitraries.oneOf(
                Arbitraries.bigIntegers().between(BigInteger.ONE, BigInteger.valueOf(2_000_000_000L)),
                Arbitraries.bigIntegers().between(two64, two64.add(BigInteger.valueOf(1_000))),
                Arbitraries.bigIntegers()
                        .between(
                                BigInteger.valueOf(Long.MAX_VALUE / 1024 / 1024 / 1024 - 10),
                                BigInteger.valueOf(999_999_999_999L)));
    }

    @Provide
    Arbitrary<String> sizeUnits() {
        return Arbitraries.of("", "B", "KB", "MB", "GB");
    }

    @Property(tries = 300)
    void parseWhenTextGarbledThenConfigOrListedProblems(@ForAll("textMutations") List<TextMutation> mutations) {
        String text = VALID;
        for (TextMutation mutation : mutations) {
            text = mutation.apply(text);
        }
        assertLoadsOrListsProblems(text);
    }

    @Property(tries = 60)
    void parseWhenDocumentIsAnyYamlThenConfigOrListedProblems(@ForAll("documents") String text) {
        assertLoadsOrListsProblems(text);
    }

    private void assertLoadsOrListsProblems(String text) {
        assertLoadsOrListsProblems(text, files);
    }

    private Object load(String text, Path baseDir) {
        return Bounded.call(() -> {
            try {
                return loader.parse(
                        "test.yaml", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), baseDir);
            } catch (ConfigException e) {
                return e;
            }
        });
    }

    private void assertLoadsOrListsProblems(String text, Path baseDir) {
        Object outcome = load(text, baseDir);
        if (outcome instanceof ConfigException e) {
            assertFalse(e.problems().isEmpty(), "a refused configuration names its problems");
            for (String problem : e.problems()) {
                assertNotNull(problem);
                assertFalse(problem.isBlank());
            }
            assertFalse(e.getMessage().contains("0123456789abcdef0123456789abcdef"), "secrets are never quoted");
        } else {
            assertTrue(outcome instanceof GatewayConfig);
        }
    }

    static JsonNode tree(String text) {
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String yaml(JsonNode root) {
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<String> hostileText() {
        return Arbitraries.of(
                "",
                " ",
                "a\u0000b",
                "\u0000",
                "../../../../etc/passwd",
                "/dev/zero",
                "/",
                "\\\\server\\share",
                "%00",
                "x".repeat(5_000),
                "0",
                "-1",
                "999999999d",
                "99999999999GB",
                "off",
                "true",
                "{sub}",
                "{",
                "}",
                "http://[::1",
                "redis://u:p@h:1/99999999999",
                "\uD800",
                "\u202E",
                "${SECRET}",
                "*",
                "\n",
                "\t");
    }

    /** A scalar somewhere in a tree, and how to replace it. */
    interface Leaf {
        void set(JsonNode value);
    }

    private static List<Leaf> leaves(JsonNode node) {
        List<Leaf> found = new ArrayList<>();
        if (node instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                JsonNode child = object.get(name);
                if (child.isContainerNode()) {
                    found.addAll(leaves(child));
                } else {
                    found.add(value -> object.set(name, value));
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                int index = i;
                if (array.get(i).isContainerNode()) {
                    found.addAll(leaves(array.get(i)));
                } else {
                    found.add(value -> array.set(index, value));
                }
            }
        }
        return found;
    }

    /** Every container node below {@code node} with the names (or indexes) of its children. */
    private static List<JsonNode> containers(JsonNode node) {
        List<JsonNode> found = new ArrayList<>();
        if (node.isContainerNode()) {
            found.add(node);
            node.forEach(child -> found.addAll(containers(child)));
        }
        return found;
    }

    @Provide
    Arbitrary<List<TreeMutation>> treeMutations() {
        Arbitrary<Integer> target = Arbitraries.integers().between(0, 1_000);
        return Arbitraries.<TreeMutation>oneOf(
                        Combinators.combine(target, target, yamlValues()).as(TreeMutation.Replace::new),
                        Combinators.combine(target, target).as(TreeMutation.Drop::new),
                        Combinators.combine(
                                        target,
                                        Arbitraries.oneOf(
                                                Arbitraries.strings().ofMaxLength(12),
                                                Arbitraries.of(
                                                        "file",
                                                        "secret-file",
                                                        "secret-env",
                                                        "rules-file",
                                                        "jwks-uri",
                                                        "uri",
                                                        "upstream",
                                                        "redis-key",
                                                        "path",
                                                        "prefix",
                                                        "direct",
                                                        "rate-limit",
                                                        "exclusions",
                                                        "signing-keys",
                                                        "consumers",
                                                        "routes")),
                                        yamlValues())
                                .as(TreeMutation.Add::new))
                .list()
                .ofMinSize(1)
                .ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<TextMutation>> textMutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 10_000);
        return Arbitraries.<TextMutation>oneOf(
                        Combinators.combine(
                                        position,
                                        Arbitraries.of(
                                                        "",
                                                        "\t",
                                                        " ",
                                                        "\n",
                                                        ":",
                                                        "- ",
                                                        "{",
                                                        "}",
                                                        "[",
                                                        "]",
                                                        "\"",
                                                        "'",
                                                        "&a ",
                                                        "*a",
                                                        "!!binary ",
                                                        "!!java.lang.Object ",
                                                        "%YAML 1.1\n",
                                                        "---\n",
                                                        "...\n",
                                                        "?",
                                                        "|",
                                                        ">",
                                                        "#",
                                                        "\u0000",
                                                        "\uFEFF",
                                                        "\uD800",
                                                        "~",
                                                        "null",
                                                        "0x7f",
                                                        "1e999",
                                                        "18446744073709551621",
                                                        "<<: *a")
                                                .map(s -> s))
                                .as(TextMutation.Insert::new),
                        Combinators.combine(position, Arbitraries.integers().between(1, 40))
                                .as(TextMutation.Cut::new),
                        position.map(TextMutation.Truncate::new),
                        Combinators.combine(position, position).as(TextMutation.SwapLines::new))
                .list()
                .ofMinSize(1)
                .ofMaxSize(5);
    }

    @Provide
    Arbitrary<String> documents() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "",
                        "---",
                        "~",
                        "[]",
                        "- a",
                        "42",
                        "\"text\"",
                        "!!binary aGVsbG8=",
                        "a: &a [*a]",
                        "a: &a {b: 1}\nc: *a\nd: *b",
                        "? [a, b]\n: c",
                        "gateway: !!set {a, b}",
                        "{a: 1, a: 2}",
                        "routes: " + "[".repeat(500) + "]".repeat(500),
                        "routes:\n" + "  - prefix: /x\n    upstream: http://h\n".repeat(2_000),
                        "x: &a [a,a,a,a,a,a,a,a,a]\ny: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nz: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                                + "w: [*c,*c,*c,*c,*c,*c,*c,*c,*c]"),
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars("abc:-[]{}\"'\n &*!|>#%").ofMaxLength(200));
    }

    /** Any YAML value: scalars of every type (huge numbers, odd strings), lists and mappings, nested. */
    private static Arbitrary<JsonNode> yamlValues() {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(NODES::textNode),
                Arbitraries.of(
                                "",
                                " ",
                                "-1",
                                "0",
                                "0s",
                                "-1s",
                                "999999999d",
                                "1000000000d",
                                "9999999999999GB",
                                "1e3",
                                "15 minutes",
                                "off",
                                "on",
                                "yes",
                                "none",
                                "HS256",
                                "RS256",
                                "redis://x",
                                "http://h",
                                "htp:/x",
                                "http://[::1",
                                "/",
                                "/api/../x",
                                "//",
                                "a\u0000b",
                                "../../etc/passwd",
                                "${env}",
                                "{sub}",
                                "{",
                                "x".repeat(10_000))
                        .map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.of(
                                new BigInteger("18446744073709551621"),
                                new BigInteger("-9223372036854775809"),
                                BigInteger.TEN.pow(40))
                        .map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.just(NODES.nullNode()));
        return Arbitraries.recursive(
                () -> scalar,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMaxSize(3).map(values -> {
                            ArrayNode array = NODES.arrayNode();
                            values.forEach(array::add);
                            return (JsonNode) array;
                        }),
                        Combinators.combine(
                                        Arbitraries.of("prefix", "upstream", "kid", "secret", "limit", "window", "x"),
                                        inner)
                                .as((key, value) -> {
                                    ObjectNode object = NODES.objectNode();
                                    object.set(key, value);
                                    return (JsonNode) object;
                                })),
                0,
                3);
    }

    /** A change to the parsed tree; targets are picked by index modulo what there is. */
    sealed interface TreeMutation {
        void apply(JsonNode root);

        record Replace(int container, int child, JsonNode value) implements TreeMutation {
            public void apply(JsonNode root) {
                JsonNode node = pick(root, container);
                if (node instanceof ObjectNode object && object.size() > 0) {
                    object.set(nameAt(object, child), value.deepCopy());
                } else if (node instanceof ArrayNode array && array.size() > 0) {
                    array.set(child % array.size(), value.deepCopy());
                }
            }
        }

        record Drop(int container, int child) implements TreeMutation {
            public void apply(JsonNode root) {
                JsonNode node = pick(root, container);
                if (node instanceof ObjectNode object && object.size() > 0) {
                    object.remove(nameAt(object, child));
                } else if (node instanceof ArrayNode array && array.size() > 0) {
                    array.remove(child % array.size());
                }
            }
        }

        record Add(int container, String name, JsonNode value) implements TreeMutation {
            public void apply(JsonNode root) {
                JsonNode node = pick(root, container);
                if (node instanceof ObjectNode object) {
                    object.set(name, value.deepCopy());
                } else if (node instanceof ArrayNode array) {
                    array.add(value.deepCopy());
                }
            }
        }

        private static JsonNode pick(JsonNode root, int index) {
            List<JsonNode> all = containers(root);
            return all.get(index % all.size());
        }

        private static String nameAt(ObjectNode object, int index) {
            Iterator<String> names = object.fieldNames();
            String name = names.next();
            for (int i = 0; i < index % object.size(); i++) {
                name = names.next();
            }
            return name;
        }
    }

    /** A change to the text of the file. */
    sealed interface TextMutation {
        String apply(String text);

        record Insert(int position, String inserted) implements TextMutation {
            public String apply(String text) {
                int at = position % (text.length() + 1);
                return text.substring(0, at) + inserted + text.substring(at);
            }
        }

        record Cut(int position, int length) implements TextMutation {
            public String apply(String text) {
                int at = position % (text.length() + 1);
                return text.substring(0, at) + text.substring(Math.min(text.length(), at + length));
            }
        }

        record Truncate(int length) implements TextMutation {
            public String apply(String text) {
                return text.substring(0, length % (text.length() + 1));
            }
        }

        record SwapLines(int first, int second) implements TextMutation {
            public String apply(String text) {
                List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
                int a = first % lines.size();
                int b = second % lines.size();
                String line = lines.get(a);
                lines.set(a, lines.get(b));
                lines.set(b, line);
                return String.join("\n", lines);
            }
        }
    }
}
