package io.portcullis.chain;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * One step of the gateway's chain, run in the order {@link FilterStage} declares by the one gateway filter. A
 * stage either calls {@code next} exactly once (possibly with a wrapped request) or answers the request itself
 * with a problem and returns. A stage with nothing to do for a request calls {@code next} untouched. A stage that
 * needs what an earlier stage set reads it with {@link Attribute#require}, which refuses the request when that
 * stage did not run; it never treats the missing value as "nothing to check". Re-dispatches (ASYNC, ERROR) never
 * reach a stage. Implementations are thread-safe: collaborators arrive through the constructor, request state
 * travels in {@link RequestAttributes}.
 *
 * <p>Adding a stage: one {@link FilterStage} constant at its place in the order and one class implementing this
 * interface, registered for that constant where the gateway is assembled.
 */
@FunctionalInterface
public interface Stage {

    /**
     * @param next the rest of the chain: the later stages, then the servlet
     * @throws MissingAttributeException when an earlier stage's attribute is missing (the order is broken)
     */
    void handle(HttpServletRequest request, HttpServletResponse response, FilterChain next)
            throws IOException, ServletException;
}
