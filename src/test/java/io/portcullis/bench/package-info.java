/**
 * Benchmarks run by hand, not by the build: small main classes against real dependencies. They print
 * numbers for the closing notes and assert nothing.
 */
package io.portcullis.bench;
