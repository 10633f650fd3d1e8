package io.portcullis.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import org.junit.jupiter.api.Test;

class ProblemWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeResponse response = FakeResponse.create();

    @Test
    void writeWhenProblemThenRfc9457BodyWithRequestId() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/x");
        RequestAttributes.REQUEST_ID.set(request, "rid-42");

        ProblemWriter.write(request, response, ProblemType.GATEWAY_TIMEOUT, "The upstream did not answer in time.");

        assertEquals(504, response.getStatus());
        assertEquals("application/problem+json", response.getContentType());
        assertEquals("no-store", response.getHeader("Cache-Control"));
        assertTrue(response.isCommitted());
        JsonNode body = JSON.readTree(response.bodyText());
        assertEquals("urn:portcullis:problem:gateway-timeout", body.path("type").asText());
        assertEquals("Gateway Timeout", body.path("title").asText());
        assertEquals(504, body.path("status").asInt());
        assertEquals("The upstream did not answer in time.", body.path("detail").asText());
        assertEquals("rid-42", body.path("request_id").asText());
        assertEquals("gateway-timeout", RequestAttributes.PROBLEM.get(request).orElseThrow());
    }

    @Test
    void writeWhenProblemHasHeadersThenTheyAreSet() throws Exception {
        ProblemWriter.write(
                FakeRequest.of("POST", "/health"),
                response,
                Problem.of(ProblemType.TOO_MANY_REQUESTS, "Slow down.").withHeader("Retry-After", "7"));

        assertEquals(429, response.getStatus());
        assertEquals("7", response.getHeader("Retry-After"));
    }

    @Test
    void writeWhenNoRequestIdThenMemberOmitted() throws Exception {
        ProblemWriter.write(FakeRequest.of("GET", "/x"), response, ProblemType.NO_ROUTE, "No route matches this path.");

        assertFalse(JSON.readTree(response.bodyText()).has("request_id"));
    }

    @Test
    void writeWhenDetailHasQuotesThenStillValidJson() throws Exception {
        ProblemWriter.write(FakeRequest.of("GET", "/x"), response, ProblemType.BAD_REQUEST, "a \"quoted\"\nline");

        assertEquals(
                "a \"quoted\"\nline",
                JSON.readTree(response.bodyText()).path("detail").asText());
    }

    @Test
    void writeWhenHeadThenNoBody() throws Exception {
        ProblemWriter.write(
                FakeRequest.of("HEAD", "/x"), response, ProblemType.NO_ROUTE, "No route matches this path.");

        assertEquals(404, response.getStatus());
        assertEquals("", response.bodyText());
    }

    @Test
    void writeWhenAlreadyCommittedThenNothingWrittenButProblemRecorded() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/x");
        response.commit();

        ProblemWriter.write(request, response, ProblemType.BAD_GATEWAY, "The upstream broke the exchange.");

        assertEquals(200, response.getStatus());
        assertEquals("", response.bodyText());
        assertEquals("bad-gateway", RequestAttributes.PROBLEM.get(request).orElseThrow());
    }

    @Test
    void forStatusWhenContainerStatusThenMatchingTypeElseInternalError() {
        assertEquals(ProblemType.NOT_FOUND, ProblemType.forStatus(404));
        assertEquals(ProblemType.METHOD_NOT_ALLOWED, ProblemType.forStatus(405));
        assertEquals(ProblemType.BAD_GATEWAY, ProblemType.forStatus(502));
        assertEquals(ProblemType.INTERNAL_ERROR, ProblemType.forStatus(418));
    }
}
