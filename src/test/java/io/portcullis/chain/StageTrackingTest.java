package io.portcullis.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;

class StageTrackingTest {
    private final FilterChain chain = mock(FilterChain.class);
    private final FakeRequest request = FakeRequest.of("GET", "/api");
    private final FakeResponse response = FakeResponse.create();

    @Test
    void doFilterWhenStagePassesThenChainCalledAndNothingRecorded() throws Exception {
        Filter passing = (req, res, next) -> next.doFilter(req, res);

        new StageTracking(FilterStage.WAF, passing).doFilter(request, response, chain);

        verify(chain).doFilter(request, response);
        assertTrue(RequestAttributes.REJECTED_BY.get(request).isEmpty());
    }

    @Test
    void doFilterWhenStageAnswersWithProblemThenStageRecorded() throws Exception {
        Filter rejecting = (req, res, next) -> ProblemWriter.write(request, response, ProblemType.REQUEST_BLOCKED, "no");

        new StageTracking(FilterStage.WAF, rejecting).doFilter(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(FilterStage.WAF, RequestAttributes.REJECTED_BY.get(request).orElseThrow());
    }

    @Test
    void doFilterWhenLaterStageRejectsThenEarlierStageDoesNotClaimIt() throws Exception {
        Filter rejecting = (req, res, next) -> ProblemWriter.write(request, response, ProblemType.INVALID_TOKEN, "no");
        StageTracking jwt = new StageTracking(FilterStage.JWT, rejecting);
        Filter passing = (req, res, next) -> next.doFilter(req, res);

        new StageTracking(FilterStage.WAF, passing).doFilter(request, response, (req, res) -> jwt.doFilter(req, res, chain));

        assertEquals(FilterStage.JWT, RequestAttributes.REJECTED_BY.get(request).orElseThrow());
    }

    @Test
    void doFilterWhenProblemWrittenAfterTheChainThenNotARejection() throws Exception {
        Filter passing = (req, res, next) -> next.doFilter(req, res);
        FilterChain failingHandler = (req, res) -> ProblemWriter.write(request, response, ProblemType.BAD_GATEWAY, "x");

        new StageTracking(FilterStage.RATE_LIMIT, passing).doFilter(request, response, failingHandler);

        assertTrue(RequestAttributes.REJECTED_BY.get(request).isEmpty());
    }
}
