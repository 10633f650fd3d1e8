package io.portcullis.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProblemErrorReportValveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({
        "400, urn:portcullis:problem:bad-request, Bad Request",
        "404, urn:portcullis:problem:not-found, Not Found",
        "505, urn:portcullis:problem:internal-error, Internal Server Error",
    })
    void bodyIsAProblemDocumentOfTheCatalogue(int status, String type, String title) throws Exception {
        JsonNode problem = JSON.readTree(ProblemErrorReportValve.body(status));

        assertEquals(type, problem.path("type").asText());
        assertEquals(title, problem.path("title").asText());
        assertEquals(status, problem.path("status").asInt());
        assertEquals(4, problem.size(), problem.toString());
    }
}
