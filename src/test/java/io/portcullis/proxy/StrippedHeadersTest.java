package io.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StrippedHeadersTest {
    private final StrippedHeaders defaults = new StrippedHeaders(List.of());

    @Test
    void stripsWhenIdentityHeaderInAnySpellingThenTrue() {
        for (String name : List.of(
                "X-User-Id",
                "x-user-roles",
                "X_User_Id",
                "X-USER_ID",
                "x_user-id",
                "X-Client-Id",
                "X_Client_Id",
                "X-Auth-Method",
                "x_auth_anything",
                "X-Consumer-Id",
                "X-Consumer-Username",
                "X-Consumer-Custom-ID",
                "X-Authenticated-Userid",
                "X-Authenticated-Scope",
                "X-Forwarded-User",
                "X_Forwarded_User",
                "Remote-User",
                "REMOTE_USER",
                "X-Original-URL",
                "x-original-url",
                "X_Original_Url",
                "X-Rewrite-URL",
                "X_REWRITE_URL",
                "X-Forwarded-Prefix",
                "X-Forwarded-Port",
                "x-forwarded-ssl",
                "X-Forwarded-Scheme",
                "Forwarded",
                "X-Real-IP",
                "True-Client-IP",
                "CF-Connecting-IP",
                "Front-End-Https",
                "X-Url-Scheme")) {
            assertTrue(defaults.strips(name), name);
        }
    }

    @Test
    void stripsWhenNameHasAnUnderscoreThenTrueWhateverItSays() {
        assertTrue(defaults.strips("X_Custom"));
        assertTrue(defaults.strips("_"));
        assertTrue(defaults.strips("Accept_Language"));
    }

    @Test
    void stripsWhenNameHasAnyCharacterOtherThanLettersDigitsOrHyphenThenTrue() {
        // lighttpd (mod_cgi, mod_fastcgi) and other CGI bridges write every such character as '_':
        // "X.User.Id" reaches PHP as HTTP_X_USER_ID, exactly like the gateway's own X-User-Id.
        for (String name : List.of(
                "X.User.Id",
                "X~User~Id",
                "X+User+Id",
                "X!User!Id",
                "X'User'Id",
                "X*User*Id",
                "X|User|Id",
                "X^User^Id",
                "X`User`Id",
                "X#User#Id",
                "X$User$Id",
                "X%User%Id",
                "X&User&Id",
                "Remote.User",
                "X.Custom")) {
            assertTrue(defaults.strips(name), name);
        }
    }

    @Test
    void stripsWhenMethodOverrideHeaderThenTrue() {
        // Express method-override, Rack, ASP.NET and others take the method from these over the request line,
        // which would run a method waf.allowed-methods refuses.
        for (String name : List.of(
                "X-HTTP-Method-Override",
                "x-http-method-override",
                "X-HTTP-Method",
                "X-Method-Override",
                "X_HTTP_Method_Override")) {
            assertTrue(defaults.strips(name), name);
        }
    }

    @Test
    void stripsWhenOrdinaryHeaderThenFalse() {
        for (String name : List.of(
                "Accept",
                "Content-Type",
                "traceparent",
                "X-Userid",
                "X-Users",
                "X-Original",
                "Remote-Users-Count",
                "X-Authentication-Hint",
                "User-Agent",
                "X-Consumer")) {
            assertFalse(defaults.strips(name), name);
        }
    }

    @Test
    void stripsWhenConfiguredNamesAndPrefixesThenTheyAreStrippedInAnySpellingToo() {
        StrippedHeaders configured = new StrippedHeaders(List.of("x-tenant-id", "x-internal-*"));

        assertTrue(configured.strips("X-Tenant-Id"));
        assertTrue(configured.strips("X-INTERNAL-ROUTE"));
        assertTrue(configured.strips("x-internal-"));
        assertFalse(configured.strips("X-Tenant-Ids"));
        assertFalse(configured.strips("X-Internals"));
        assertTrue(configured.strips("X-User-Id"), "the built-in set stays");
    }
}
