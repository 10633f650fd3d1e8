package io.portcullis.store;

import java.time.Duration;

/**
 * How refresh sessions age, from the {@code auth:} section.
 *
 * @param idleTimeout a session not refreshed for this long ends ({@code auth.idle-timeout})
 * @param refreshGrace a just-spent refresh token presented again within this gets the same successor
 *     ({@code auth.refresh-grace})
 */
public record SessionPolicy(Duration idleTimeout, Duration refreshGrace) {}
