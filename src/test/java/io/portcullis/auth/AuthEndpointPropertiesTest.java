package io.portcullis.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.AuthFixture.Answer;
import io.portcullis.testsupport.Bounded;
import io.portcullis.testsupport.FakeInputStream;
import io.portcullis.testsupport.FakeRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The bodies of every auth endpoint as a client can send them: JSON values of every type where strings are
 * expected, unknown and duplicated fields, huge strings, deep nesting, invalid UTF-8, truncated or trailing
 * text, wrong or lying content types and lengths, and forms where the OAuth endpoints take them. Each answer
 * is one the endpoint documents, every refusal a problem+json that names no stack trace, and a refused
 * registration stores nobody.
 */
class AuthEndpointPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse";
    private static final List<String> FIELDS = List.of(
            "username",
            "password",
            "refresh_token",
            "refresh",
            "token",
            "access",
            "token_type_hint",
            "name",
            "scopes",
            "usage_scope");
    private static final List<String> USERNAMES = List.of("bob", "Bob", "ｂｏｂ", "carol", "d", "é", "x".repeat(64));
    private static final Map<String, Set<Integer>> DOCUMENTED = Map.of(
            "/register", Set.of(201, 400, 409),
            "/login", Set.of(200, 400, 401, 429),
            "/refresh", Set.of(200, 400, 401),
            "/verify", Set.of(200, 400, 401),
            "/introspect", Set.of(200, 400),
            "/revoke", Set.of(200, 400),
            "/logout", Set.of(204, 400),
            "/logout-all", Set.of(204, 400),
            "/api-keys", Set.of(201, 400, 403));
    private static final Set<String> BEARER = Set.of("/logout", "/logout-all", "/api-keys");
    private static final Map<String, List<String>> TAKES = Map.of(
            "/register", List.of("username", "password"),
            "/login", List.of("username", "password"),
            "/refresh", List.of("refresh_token", "refresh"),
            "/verify", List.of("token", "access"),
            "/introspect", List.of("token", "token_type_hint"),
            "/revoke", List.of("token", "token_type_hint"),
            "/logout", List.of("refresh_token"),
            "/logout-all", List.of(),
            "/api-keys", List.of("name", "scopes", "usage_scope"));

    private final AuthFixture auth = new AuthFixture();
    private final Answer login = auth.registerAndLogin("alice");

    @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
    void handleWhenAnyBodyThenDocumentedAnswerNeverAnException(@ForAll("calls") Tuple.Tuple2<String, Body> call) {
        String endpoint = call.get1();
        Body body = call.get2();
        FakeRequest request = body.request("/auth" + endpoint);
        if (BEARER.contains(endpoint)) {
            // A fresh session each time: a logout in an earlier try must not turn this one into a 401.
            request.header(
                    "Authorization",
                    AuthFixture.bearer(auth.post("/login", AuthFixture.credentials("alice", PASSWORD))
                            .text("access_token")));
        }
        boolean bobBefore = userExists("bob");

        Answer answer = Bounded.call(() -> auth.call(request));

        assertTrue(
                DOCUMENTED.get(endpoint).contains(answer.status()),
                () -> endpoint + " " + body + " → " + answer.status() + " " + answer.body());
        if (answer.status() == 400
                && endpoint.equals("/login")
                && "application/json".equals(answer.response().getContentType())) {
            // The token endpoint's RFC 6749 form posts get RFC 6749 §5.2 errors.
            assertTrue(
                    Set.of("invalid_request", "invalid_grant", "unsupported_grant_type")
                            .contains(answer.text("error")),
                    () -> String.valueOf(answer.body()));
            assertTrue(answer.text("error_description").matches("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]*"));
        } else if (answer.status() >= 400) {
            assertEquals("application/problem+json", answer.response().getContentType());
            assertEquals(answer.status(), answer.body().path("status").asInt());
            assertFalse(answer.text("title").isEmpty());
            String detail = answer.text("detail");
            assertTrue(detail.length() <= 200, detail);
            assertFalse(detail.contains("Exception") || detail.contains("\tat "), detail);
        }
        if (endpoint.equals("/register") && answer.status() != 201) {
            assertEquals(bobBefore, userExists("bob"), "a refused registration stores nobody");
        }
    }

    private boolean userExists(String username) {
        return auth.stores
                .users()
                .findByUsername(username)
                .toCompletableFuture()
                .join()
                .isPresent();
    }

    @Provide
    Arbitrary<Tuple.Tuple2<String, Body>> calls() {
        return Arbitraries.of(DOCUMENTED.keySet())
                .flatMap(endpoint -> bodies(TAKES.get(endpoint)).map(body -> Tuple.of(endpoint, body)));
    }

    /** Mostly what a client of this endpoint would send, with every kind of mistake mixed in. */
    private Arbitrary<Body> bodies(List<String> takes) {
        Arbitrary<byte[]> content = Arbitraries.frequencyOf(
                Tuple.of(12, jsonObjects(takes).map(AuthEndpointPropertiesTest::json)),
                Tuple.of(2, rawJson().map(text -> text.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
                Tuple.of(
                        1,
                        jsonObjects(takes)
                                .map(AuthEndpointPropertiesTest::json)
                                .map(AuthEndpointPropertiesTest::garble)));
        boolean oauth = takes.contains("token_type_hint");
        Arbitrary<String> contentType = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just("application/json")),
                Tuple.of(oauth ? 12 : 1, Arbitraries.just("application/x-www-form-urlencoded")),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "",
                                "application/json; charset=UTF-8",
                                "APPLICATION/JSON",
                                "application/problem+json",
                                "text/plain",
                                "multipart/form-data; boundary=x",
                                "application/json; charset=bogus",
                                "application/x-www-form-urlencoded; charset=bogus")));
        Arbitrary<Optional<Long>> declaredLength = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(Optional.<Long>empty())),
                Tuple.of(1, Arbitraries.of(Optional.of(-1L), Optional.of(0L), Optional.of(3L * 1024 * 1024))));
        Arbitrary<Map<String, String[]>> form = fields(takes)
                .flatMap(names -> Combinators.combine(names.stream()
                                .map(name -> value(name)
                                        .list()
                                        .ofMinSize(1)
                                        .ofMaxSize(2)
                                        .map(values -> values.stream()
                                                .map(String::valueOf)
                                                .toArray(String[]::new)))
                                .toList())
                        .as(values -> {
                            Map<String, String[]> map = new LinkedHashMap<>();
                            for (int i = 0; i < names.size(); i++) {
                                map.put(names.get(i), values.get(i));
                            }
                            return map;
                        }));
        return Combinators.combine(
                        content,
                        contentType,
                        declaredLength,
                        form,
                        Arbitraries.frequencyOf(
                                Tuple.of(12, Arbitraries.just(false)), Tuple.of(1, Arbitraries.just(true))))
                .as(Body::new);
    }

    /** The field names of one body: usually some of those the endpoint takes, now and then others. */
    private static Arbitrary<List<String>> fields(List<String> takes) {
        Arbitrary<String> name = takes.isEmpty()
                ? Arbitraries.of(FIELDS)
                : Arbitraries.frequencyOf(
                        Tuple.of(16, Arbitraries.of(takes)),
                        Tuple.of(1, Arbitraries.of(FIELDS)),
                        Tuple.of(1, Arbitraries.strings().ofMaxLength(60)));
        return Arbitraries.frequencyOf(
                Tuple.of(takes.isEmpty() ? 1 : 8, Arbitraries.just(takes)),
                Tuple.of(2, name.list().uniqueElements().ofMaxSize(takes.size() + 1)));
    }

    private Arbitrary<Map<String, Object>> jsonObjects(List<String> takes) {
        return fields(takes)
                .flatMap(names -> Combinators.combine(
                                names.stream().map(this::value).toList())
                        .as(values -> {
                            Map<String, Object> object = new LinkedHashMap<>();
                            for (int i = 0; i < names.size(); i++) {
                                object.put(names.get(i), values.get(i));
                            }
                            return object;
                        }));
    }

    /** A value for a field: usually one that suits it, otherwise any text or any JSON value. */
    private Arbitrary<Object> value(String field) {
        String access = login.text("access_token");
        String refresh = login.text("refresh_token");
        Arbitrary<String> suitable = switch (field) {
            case "username" -> Arbitraries.of(USERNAMES);
            case "password" ->
                Arbitraries.of(
                        PASSWORD,
                        "short",
                        "p".repeat(1024),
                        "p".repeat(1025),
                        "pässwörd\u0000!",
                        "\uD800\uDC00\uD800 password",
                        " ".repeat(9));
            case "refresh_token", "refresh" ->
                Arbitraries.of(refresh, refresh.substring(0, refresh.length() - 2), access);
            case "token", "access" -> Arbitraries.of(access, refresh, access + "x", "a.b.c");
            case "token_type_hint" -> Arbitraries.of("access_token", "refresh_token", "id_token");
            case "name" -> Arbitraries.of("ci", "", " ", "n".repeat(64), "n".repeat(65), "\u202e");
            default -> Arbitraries.of("orders", "user", "user orders", "admin", "a b,c", "-", "", "x".repeat(65));
        };
        return Arbitraries.frequencyOf(
                Tuple.of(8, suitable.map(v -> v)),
                Tuple.of(
                        1,
                        field.equals("scopes") || field.equals("usage_scope")
                                ? suitable.list().ofMaxSize(40).map(v -> v)
                                : suitable.map(v -> v)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(40).map(v -> v)),
                Tuple.of(
                        1,
                        Arbitraries.of(10_000, 100_000, 2 * 1024 * 1024)
                                .map("u"::repeat)
                                .map(v -> v)),
                Tuple.of(1, anyJson()));
    }

    private static Arbitrary<Object> anyJson() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                Arbitraries.integers().map(v -> v),
                Arbitraries.doubles().map(v -> v),
                Arbitraries.of(true, false).map(v -> v),
                Arbitraries.just(null),
                Arbitraries.strings().ofMaxLength(10).map(v -> v));
        return Arbitraries.recursive(
                () -> scalar,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMaxSize(3).map(list -> (Object) new ArrayList<>(list)), inner.map(v -> {
                            Map<String, Object> map = new LinkedHashMap<>();
                            map.put("username", v);
                            return (Object) map;
                        })),
                0,
                5);
    }

    /** JSON text no serializer writes: nesting past any limit, odd numbers, duplicates, truncation, trailers. */
    private static Arbitrary<String> rawJson() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "",
                        "null",
                        "[]",
                        "\"bob\"",
                        "42",
                        "{",
                        "}",
                        "{\"username\":",
                        "{\"username\":\"bob\"",
                        "{\"username\":\"bob\",\"username\":\"eve\",\"password\":\"correct horse\"}",
                        "{\"username\":\"bob\",\"password\":\"correct horse\"} trailing",
                        "\uFEFF{\"username\":\"bob\",\"password\":\"correct horse\"}",
                        "{\"token\":1e999999999}",
                        "{\"token\":-0}",
                        "{\"token\":NaN}",
                        "{\"scopes\":[\"a\",]}",
                        "{'username':'bob'}",
                        "{\"username\":\"\\ud800\",\"password\":\"correct horse\"}",
                        "{\"username\":\"bob\\u0000\",\"password\":\"correct horse\"}",
                        "{\"\":\"\"}",
                        "{\"token\":\"\\u"),
                Arbitraries.integers()
                        .between(1, 5_000)
                        .map(depth -> "{\"scopes\":" + "[".repeat(depth) + "]".repeat(depth) + "}"),
                Arbitraries.integers()
                        .between(1, 5_000)
                        .map(depth -> "{\"name\":".repeat(depth) + "1" + "}".repeat(depth)),
                Arbitraries.integers().between(1, 2_000).map(n -> "{\"scopes\":[" + "\"s\",".repeat(n) + "\"s\"]}"));
    }

    /** Invalid UTF-8 inside otherwise valid JSON: a lone continuation byte, an overlong slash, a cut sequence. */
    private static byte[] garble(byte[] json) {
        byte[] out = json.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 'b' || out[i] == 'o') {
                out[i] = (byte) (i % 3 == 0 ? 0x80 : i % 3 == 1 ? 0xC0 : 0xE2);
            }
        }
        return out;
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One request body as the container hands it over: bytes, declared type and length, and the parsed form,
     * or, when {@code formUndecodable}, the exception the container or the WAF throws for a form it cannot
     * decode (an unknown charset).
     */
    record Body(
            byte[] content,
            String contentType,
            Optional<Long> declaredLength,
            Map<String, String[]> form,
            boolean formUndecodable) {
        FakeRequest request(String path) {
            FakeRequest request = FakeRequest.of("POST", path);
            doReturn(contentType.isEmpty() ? null : contentType).when(request).getContentType();
            doReturn(declaredLength.orElse((long) content.length)).when(request).getContentLengthLong();
            if (formUndecodable) {
                doThrow(new UnsupportedCharsetException("bogus")).when(request).getParameterMap();
            } else {
                doReturn(contentType.startsWith("application/x-www-form-urlencoded") ? form : Map.of())
                        .when(request)
                        .getParameterMap();
            }
            try {
                doReturn(FakeInputStream.of(content)).when(request).getInputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return request;
        }

        @Override
        public String toString() {
            String text = new String(content, StandardCharsets.UTF_8);
            return contentType + " " + declaredLength + " "
                    + (text.length() > 300 ? text.substring(0, 300) + "…" : text)
                    + (contentType.contains("form")
                            ? " form " + (formUndecodable ? "undecodable" : form.keySet())
                            : "");
        }
    }
}
