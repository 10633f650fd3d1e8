package io.portcullis.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.chain.Identity;
import io.portcullis.chain.RequestAttributes;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The servlet of an existing web application that {@link EmbeddingIT} puts behind Portcullis's filters. It is
 * copied into that web application's {@code WEB-INF/classes}, next to the Portcullis classes jar in
 * {@code WEB-INF/lib}, and answers with the identity the filters established. Every request it serves is
 * recorded in the context attribute {@value #SERVED} (a queue of request URIs), so the test can tell which
 * requests reached it.
 */
public final class EstateServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The servlet-context attribute holding the URIs of the requests this servlet served. */
    public static final String SERVED = "estate.served";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void init() {
        getServletContext().setAttribute(SERVED, new ConcurrentLinkedQueue<String>());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        served(getServletContext()).add(request.getRequestURI());
        Identity identity = RequestAttributes.identity(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("servlet", "estate");
        body.put("path", request.getRequestURI());
        body.put("auth_method", identity.method().wireValue());
        body.put("user_id", identity.userId().orElse(null));
        body.put("client_id", identity.clientId().orElse(null));
        body.put("roles", identity.roles());
        body.put("scopes", identity.scopes());
        body.put("request_id", RequestAttributes.REQUEST_ID.get(request).orElse(null));
        response.setContentType("application/json");
        JSON.writeValue(response.getOutputStream(), body);
    }

    @SuppressWarnings("unchecked")
    static Queue<String> served(ServletContext context) {
        return (Queue<String>) context.getAttribute(SERVED);
    }
}
