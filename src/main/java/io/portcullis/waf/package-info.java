/**
 * The WAF stage: a rule engine with CRS-style families, paranoia levels and anomaly scoring that inspects
 * the method, path, query, headers, cookies and (bounded, replayed) body of each request. Patterns run on
 * RE2/J, so matching time stays linear in the input whatever an attacker sends.
 */
package io.portcullis.waf;
