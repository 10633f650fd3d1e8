package io.portcullis.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an integration test class that talks to the gateway nodes: the test upstreams and the shared
 * Redis are running (once for the whole run) before its first test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({Upstreams.class, GatewayRedis.class})
public @interface GatewayIT {}
