package io.portcullis.waf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One line of a WAF corpus ({@code crs-dev.jsonl}, {@code benign.jsonl}) as an HTTP request description:
 * method, request target, headers in order and body bytes, plus the expected outcome. Used by the
 * in-process corpus test and by {@code WafCorpusIT}, which sends it through the real WAR.
 *
 * @param id        the case id
 * @param category  e.g. {@code 942-sqli}, or the benign corpus' own category
 * @param paranoia  the CRS paranoia level of the case (1 for benign cases)
 * @param expectBlock true when the case is an attack the WAF should answer with 403
 * @param method    the HTTP method
 * @param uri       path and query, to be appended to the gateway's base URL
 * @param headers   header lines in order ({@code Content-Length} is not listed: it follows from the body)
 * @param body      the body, UTF-8 encoded; empty for none
 */
public record CorpusRequest(
        String id,
        String category,
        int paranoia,
        boolean expectBlock,
        String method,
        String uri,
        List<Map.Entry<String, String>> headers,
        byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static CorpusRequest parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.path("headers").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                headers.add(Map.entry(header.getKey(), header.getValue().asText()));
            }
            return new CorpusRequest(
                    node.path("id").asText(),
                    node.path("category").asText(),
                    node.path("paranoia_level").asInt(1),
                    node.path("expect").asText().equals("block"),
                    node.path("method").asText("GET"),
                    node.path("uri").asText("/"),
                    List.copyOf(headers),
                    node.path("body").asText("").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("not a corpus line: " + line, e);
        }
    }

    /** Every case in a classpath resource, one JSON object per line. */
    public static List<CorpusRequest> load(String resource) {
        try (InputStream in = CorpusRequest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing corpus " + resource);
            }
            List<CorpusRequest> cases = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    cases.add(parse(line));
                }
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path part of {@link #uri}. */
    public String path() {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** The query part of {@link #uri}, or {@code null}. */
    public String query() {
        int q = uri.indexOf('?');
        return q < 0 ? null : uri.substring(q + 1);
    }

    /** The first value of a header, case-insensitive, or {@code null}. */
    public String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
