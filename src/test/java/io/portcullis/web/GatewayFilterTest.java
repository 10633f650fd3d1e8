package io.portcullis.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import io.portcullis.chain.FilterStage;
import io.portcullis.chain.MissingAttributeException;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Stage;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GatewayFilterTest {
    private final FilterChain chain = mock(FilterChain.class);
    private final FakeRequest request = FakeRequest.of("GET", "/api");
    private final FakeResponse response = FakeResponse.create();
    private final List<FilterStage> ran = new ArrayList<>();

    private Map<FilterStage, Stage> passing() {
        Map<FilterStage, Stage> stages = new EnumMap<>(FilterStage.class);
        for (FilterStage stage : FilterStage.values()) {
            stages.put(stage, (req, res, next) -> {
                ran.add(stage);
                next.doFilter(req, res);
            });
        }
        return stages;
    }

    @Test
    void doFilterWhenEveryStagePassesThenEachRunsOnceInFilterStageOrderThenTheChain() throws Exception {
        new GatewayFilter(passing()).doFilter(request, response, chain);

        assertEquals(Arrays.asList(FilterStage.values()), ran);
        verify(chain).doFilter(request, response);
        assertTrue(RequestAttributes.REJECTED_BY.get(request).isEmpty());
    }

    @Test
    void doFilterWhenStagesGivenOutOfOrderThenTheyStillRunInFilterStageOrder() throws Exception {
        Map<FilterStage, Stage> reversed = new java.util.LinkedHashMap<>();
        List<FilterStage> backwards = new ArrayList<>(Arrays.asList(FilterStage.values()));
        java.util.Collections.reverse(backwards);
        Map<FilterStage, Stage> stages = passing();
        backwards.forEach(stage -> reversed.put(stage, stages.get(stage)));

        new GatewayFilter(reversed).doFilter(request, response, chain);

        assertEquals(Arrays.asList(FilterStage.values()), ran);
    }

    @ParameterizedTest
    @EnumSource(FilterStage.class)
    void doFilterWhenAStageAnswersWithAProblemThenLaterStagesAndChainNotCalledAndTheStageRecorded(FilterStage refusing)
            throws Exception {
        Map<FilterStage, Stage> stages = passing();
        stages.put(
                refusing,
                (req, res, next) -> ProblemWriter.write(request, response, ProblemType.REQUEST_BLOCKED, "no"));

        new GatewayFilter(stages).doFilter(request, response, chain);

        assertEquals(Arrays.asList(FilterStage.values()).subList(0, refusing.ordinal()), ran);
        verifyNoInteractions(chain);
        assertEquals(refusing, RequestAttributes.REJECTED_BY.get(request).orElseThrow());
        assertEquals(403, response.getStatus());
    }

    @Test
    void doFilterWhenTheChainWritesAProblemThenNoStageClaimsIt() throws Exception {
        FilterChain failingHandler = (req, res) -> ProblemWriter.write(request, response, ProblemType.BAD_GATEWAY, "x");

        new GatewayFilter(passing()).doFilter(request, response, failingHandler);

        assertTrue(RequestAttributes.REJECTED_BY.get(request).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(
            value = DispatcherType.class,
            names = {"ASYNC", "ERROR"})
    void doFilterWhenRedispatchedThenNoStageRunsAndTheChainContinues(DispatcherType type) throws Exception {
        request.dispatcherType(type);

        new GatewayFilter(passing()).doFilter(request, response, chain);

        assertEquals(List.of(), ran);
        verify(chain).doFilter(request, response);
    }

    @Test
    void doFilterWhenAStageMissesAnEarlierStagesAttributeThen500ProblemAndNothingFurtherRuns() throws Exception {
        Map<FilterStage, Stage> stages = passing();
        stages.put(FilterStage.JWT, (req, res, next) -> {
            RequestAttributes.ROUTE.require(req);
            next.doFilter(req, res);
        });

        new GatewayFilter(stages).doFilter(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(500, response.getStatus());
        assertEquals("application/problem+json", response.getContentType());
        assertTrue(response.bodyText().contains("\"title\":\"Internal Server Error\""), response.bodyText());
        assertEquals(FilterStage.JWT, RequestAttributes.REJECTED_BY.get(request).orElseThrow());
        assertEquals(List.of(FilterStage.ACCESS_LOG, FilterStage.ROUTE, FilterStage.WAF, FilterStage.API_KEY), ran);
    }

    @Test
    void doFilterWhenTheChainAfterTheStagesMissesAnAttributeThenItIsNotTakenForAStagesRefusal() throws Exception {
        FilterChain failing = (req, res) -> {
            throw new MissingAttributeException("io.portcullis.x");
        };

        assertThrows(
                MissingAttributeException.class,
                () -> new GatewayFilter(passing()).doFilter(request, response, failing));
    }

    @Test
    void constructorWhenAStageIsMissingThenFailsNamingIt() {
        Map<FilterStage, Stage> stages = passing();
        stages.remove(FilterStage.WAF);

        IllegalArgumentException failure =
                assertThrows(IllegalArgumentException.class, () -> new GatewayFilter(stages));

        assertEquals("no stage was given for [WAF]", failure.getMessage());
    }

    @Test
    void doFilterWhenAStageWrapsTheRequestThenLaterStagesAndTheChainGetTheWrapper() throws Exception {
        Map<FilterStage, Stage> stages = passing();
        FakeRequest wrapper = FakeRequest.of("GET", "/api");
        stages.put(FilterStage.WAF, (req, res, next) -> next.doFilter(wrapper, res));
        FakeRequest[] seen = {null};
        stages.put(FilterStage.RATE_LIMIT, (req, res, next) -> {
            seen[0] = (FakeRequest) req;
            next.doFilter(req, res);
        });

        new GatewayFilter(stages).doFilter(request, response, chain);

        assertSame(wrapper, seen[0]);
        verify(chain).doFilter(wrapper, response);
    }

    @Test
    void stageFilterWhenItsPredecessorRanThenItRuns() throws Exception {
        RequestAttributes.STAGE.set(request, FilterStage.API_KEY);
        Map<FilterStage, Stage> stages = passing();

        new StageFilter(FilterStage.JWT, stages.get(FilterStage.JWT)).doFilter(request, response, chain);

        assertEquals(List.of(FilterStage.JWT), ran);
        verify(chain).doFilter(request, response);
        assertEquals(FilterStage.JWT, RequestAttributes.STAGE.get(request).orElseThrow());
    }

    @Test
    void stageFilterWhenAStageWasLeftOutThen500AndTheStageDoesNotRun() throws Exception {
        RequestAttributes.STAGE.set(request, FilterStage.ROUTE);

        new StageFilter(FilterStage.JWT, passing().get(FilterStage.JWT)).doFilter(request, response, chain);

        assertEquals(List.of(), ran);
        verifyNoInteractions(chain);
        assertEquals(500, response.getStatus());
    }

    @Test
    void stageFilterWhenMappedBeforeItsPredecessorThen500() throws Exception {
        new StageFilter(FilterStage.ROUTE, passing().get(FilterStage.ROUTE)).doFilter(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(500, response.getStatus());
    }

    @Test
    void stageFiltersWhenMappedInFilterStageOrderThenAllRunAndTheChainFollows() throws Exception {
        Map<FilterStage, Stage> stages = passing();
        FilterChain tail = chain;
        for (int i = FilterStage.values().length - 1; i >= 0; i--) {
            FilterStage stage = FilterStage.values()[i];
            StageFilter filter = new StageFilter(stage, stages.get(stage));
            FilterChain rest = tail;
            tail = (req, res) -> filter.doFilter(req, res, rest);
        }

        tail.doFilter(request, response);

        assertEquals(Arrays.asList(FilterStage.values()), ran);
        verify(chain).doFilter(request, response);
    }
}
