package io.portcullis.chain;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Answers the requests of a route once every stage has let them through. Implementations are thread-safe. */
@FunctionalInterface
public interface RouteHandler {
    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException;
}
