/**
 * The WAF stage: a rule engine with CRS-style families, paranoia levels and anomaly scoring, plus grammar
 * detectors for SQL, HTML and shell injection, that inspects the method, path, query, headers, cookies and
 * (bounded, replayed) body of each request, weighing literal matches by whether a value reads as prose. Patterns
 * run on RE2/J and the detectors make one bounded pass, so inspection time stays linear in the input.
 */
package io.portcullis.waf;
