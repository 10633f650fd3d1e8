package io.portcullis.waf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Writes {@code benign-generated.jsonl}: an independent benign corpus of API requests, built from templates
 * of common public API shapes with a fixed seed, so the same file comes out every time. It is written without
 * looking at the rules and is not to be tuned against: the corpus test only reports and bounds how much of it
 * is blocked. Shapes: OpenAPI-style CRUD JSON bodies and list queries, GraphQL queries and variables, markdown
 * comments and issues with fenced code (SQL, shell, JavaScript, Python), support tickets quoting commands in
 * prose, webhook and OAuth callback URLs on {@code localhost}, and search text in many languages, with words
 * such as select, union and {@code alert(} in it.
 *
 * <p>Run with {@code java -cp target/test-classes:… io.portcullis.waf.BenignCorpusGenerator}; the working
 * directory must be the project root.
 */
final class BenignCorpusGenerator {
    static final long SEED = 20261203L;
    static final int COUNT = 2400;
    static final Path OUTPUT = Path.of("src", "test", "resources", "waf", "benign-generated.jsonl");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Random random = new Random(SEED);

    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
        "okhttp/4.12.0",
        "axios/1.7.2",
        "python-requests/2.32.3",
        "Go-http-client/2.0",
        "curl/8.8.0",
        "PostmanRuntime/7.39.0",
        "Apollo-iOS/1.13.0",
        "Dart/3.4 (dart:io)",
        "node-fetch/3.3.2",
    };
    private static final String[] FIRST = {
        "Anna", "Sean", "Seán", "Zoë", "Mateus", "Priya", "Chen", "Yuki", "Olusegun", "Fatima", "Björn", "Łukasz",
        "Ines", "Dmitri", "Aroha", "José", "Mia", "Noah", "Ahmed", "Sofia", "Kwame", "Hana", "Lars", "Amélie",
    };
    private static final String[] LAST = {
        "O'Brien", "Schmidt", "Nakamura", "da Silva", "Kowalski", "Okafor", "Müller", "Nguyen", "Smith-Jones",
        "van der Berg", "D'Angelo", "Ivanova", "Patel", "García", "Lee", "Haddad", "Johansson", "MacLeod",
    };
    private static final String[] WORDS = {
        "order",
        "select",
        "union",
        "table",
        "update",
        "delete",
        "drop",
        "insert",
        "where",
        "from",
        "join",
        "group",
        "script",
        "alert",
        "exec",
        "shell",
        "system",
        "cat",
        "echo",
        "curl",
        "wget",
        "python",
        "java",
        "node",
        "admin",
        "root",
        "user",
        "password",
        "login",
        "token",
        "session",
        "cookie",
        "window",
        "document",
        "file",
        "path",
        "include",
        "require",
        "import",
        "eval",
        "function",
        "return",
        "null",
        "true",
        "sleep",
        "wait",
        "benchmark",
        "version",
        "database",
        "server",
        "cloud",
        "invoice",
        "payment",
        "shipping",
        "refund",
    };
    private static final String[] SEARCHES = {
        "select union jacket",
        "union station chicago",
        "how to select a laptop",
        "alert( keeps popping up",
        "drop table lamp",
        "order by price",
        "delete my account",
        "sleep mask",
        "black cat t-shirt",
        "echo dot 5th gen",
        "python for data analysis",
        "c++ primer",
        "what does rm -rf do",
        "wget vs curl",
        "1=1 meaning math",
        "script writing course",
        "javascript alert box",
        "and or not logic gates",
        "<3 mug",
        "50% off",
        "kids' shoes",
        "\"exact phrase\" search",
        "AT&T prepaid",
        "M&M's peanut",
        "O'Reilly SQL pocket guide",
        "select * from tutorial",
        "union all vs union",
        "window.open popup blocker",
        "onload event example",
        "iframe embed youtube",
        "base64 decode online",
        "etc passwd meaning",
        "cmd.exe help",
        "select comfort mattress",
        "exec summary template",
        "system of a down tickets",
        "document.cookie explained",
        "sélectionner union européenne",
        "union européenne budget 2026",
        "auswahl tisch löschen",
        "Tabelle sortieren",
        "seleccionar unión",
        "ordenar por fecha",
        "выбрать стол",
        "объединение союз",
        "选择 数据库 教程",
        "联合 查询",
        "テーブル 削除 方法",
        "アラート 表示",
        "알림 스크립트",
        "تحديد الاتحاد",
        "चयन संघ",
        "seç birleşim",
        "wybierz unia",
        "selecionar união",
        "selezionare unione",
        "επιλογή ένωση",
        "בחירה איחוד",
        "เลือก สหภาพ",
        "chọn bảng",
    };
    private static final String[] LANG_PROSE = {
        "Die Lieferung kam zwei Tage zu spät, aber die Qualität ist top. Würde wieder bestellen!",
        "Le produit est conforme à la description ; l'emballage était un peu abîmé.",
        "El envío fue rápido y el vendedor respondió todas mis preguntas. ¡Gracias!",
        "Доставка быстрая, товар соответствует описанию. Рекомендую!",
        "商品质量很好，物流也很快。下次还会再来购买。",
        "とても使いやすいです。ただ、説明書が英語だけなのが残念です。",
        "배송이 빠르고 포장도 꼼꼼했어요. 다음에도 구매할게요.",
        "المنتج ممتاز والتوصيل كان سريعاً. أنصح به بشدة.",
        "उत्पाद अच्छा है लेकिन डिलीवरी में देरी हुई।",
        "Ürün çok güzel, kargo biraz geç geldi ama memnunum.",
        "Produkt zgodny z opisem, polecam sprzedawcę!",
        "O produto chegou bem embalado e funciona perfeitamente.",
        "Prodotto ottimo, spedizione veloce. Consigliato!",
        "Sản phẩm tốt, giao hàng nhanh, sẽ ủng hộ tiếp.",
        "Tuote oli hyvä, mutta toimitus kesti viikon.",
        "Το προϊόν είναι εξαιρετικό, η αποστολή έγινε γρήγορα.",
    };
    private static final String[] SQL_SNIPPETS = {
        "SELECT id, email FROM users WHERE created_at > now() - interval '7 days' ORDER BY created_at DESC;",
        "SELECT o.id, sum(i.price * i.qty) AS total\nFROM orders o\nJOIN order_items i ON i.order_id = o.id\nGROUP BY o.id\nHAVING sum(i.price * i.qty) > 100;",
        "UPDATE accounts SET status = 'closed' WHERE last_login < '2024-01-01';",
        "DELETE FROM sessions WHERE expires_at < CURRENT_TIMESTAMP;",
        "INSERT INTO tags (name) VALUES ('backend'), ('urgent') ON CONFLICT DO NOTHING;",
        "SELECT name FROM customers UNION SELECT name FROM suppliers ORDER BY name;",
        "CREATE INDEX CONCURRENTLY idx_orders_user ON orders (user_id);",
        "SELECT count(*) FROM events WHERE type = 'click' AND user_id IS NOT NULL;",
        "ALTER TABLE invoices ADD COLUMN paid_at timestamptz;",
        "SELECT * FROM pg_stat_activity WHERE state = 'active';",
        "WITH recent AS (SELECT * FROM logins WHERE ts > now() - interval '1 day') SELECT user_id, count(*) FROM recent GROUP BY 1;",
        "DROP TABLE IF EXISTS tmp_import;",
        "SELECT version();",
        "EXPLAIN ANALYZE SELECT * FROM products WHERE sku = 'AB-1234';",
    };
    private static final String[] SHELL_SNIPPETS = {
        "curl -H \"Authorization: Bearer $TOKEN\" -H 'Accept: application/json' https://api.example.com/v1/orders?limit=10",
        "grep -c ERROR /var/log/app/server.log",
        "kubectl logs deploy/api -n prod --since=1h | grep -i timeout | wc -l",
        "docker compose up -d && docker compose logs -f api",
        "rm -rf node_modules && npm ci",
        "cat ~/.ssh/id_ed25519.pub | pbcopy",
        "ps aux | grep java",
        "find . -name '*.log' -mtime +7 -delete",
        "echo $JAVA_HOME; java -version",
        "ssh deploy@10.0.0.12 'sudo systemctl restart nginx'",
        "tar -czf backup.tgz /srv/data && scp backup.tgz backup@nas:/backups/",
        "git log --oneline | head -20",
        "export DATABASE_URL=postgres://app:secret@localhost:5432/app",
        "wget -qO- https://example.com/install.sh | less",
        "openssl s_client -connect api.example.com:443 -servername api.example.com </dev/null",
        "netstat -tulpn | grep 8080",
        "curl -s http://localhost:3000/health | jq .status",
        "for f in *.csv; do wc -l \"$f\"; done",
        "chmod +x ./gradlew && ./gradlew build",
        "python3 -m venv .venv && source .venv/bin/activate",
    };
    private static final String[] JS_SNIPPETS = {
        "const res = await fetch('/api/items', { headers: { Authorization: `Bearer ${token}` } });\nconst items = await res.json();",
        "document.getElementById('save').addEventListener('click', () => save(form));",
        "if (!user) { alert('Please log in first'); return; }",
        "window.location.href = '/dashboard';",
        "element.innerHTML = marked.parse(text);",
        "setTimeout(() => console.log('done'), 1000);",
        "const x = eval?.(expr); // do not do this",
        "import { useState } from 'react';\nexport default function App() { const [n, setN] = useState(0); return <button onClick={() => setN(n + 1)}>{n}</button>; }",
    };
    private static final String[] PY_SNIPPETS = {
        "import os\nprint(os.environ.get('HOME'))",
        "cursor.execute(\"SELECT * FROM users WHERE id = %s\", (user_id,))",
        "subprocess.run(['ls', '-la', path], check=True)",
        "with open('/etc/hosts') as f:\n    print(f.read())",
        "requests.post('http://localhost:8000/api/v1/jobs', json={'name': 'nightly'})",
        "eval(input())  # never ship this",
    };
    private static final String[] CALLBACK_HOSTS = {
        "http://localhost:3000", "http://localhost:8080", "http://127.0.0.1:5000", "http://localhost:4200",
        "http://[::1]:3000", "https://localhost:8443", "http://0.0.0.0:8000", "http://host.docker.internal:3000",
        "https://hooks.example.com", "https://myapp.ngrok.app", "https://staging.example.org",
    };
    private static final String[] CALLBACK_PATHS = {
        "/callback",
        "/auth/callback",
        "/webhooks/stripe",
        "/api/hooks/github?source=test",
        "/oauth2/redirect",
        "/integrations/slack/events",
        "/dev/callback?state=xyz",
        "/login/oauth/authorized",
        "/payments/notify",
    };

    public static void main(String[] args) throws IOException {
        List<String> lines = new BenignCorpusGenerator().generate();
        Files.write(OUTPUT, lines, StandardCharsets.UTF_8);
    }

    List<String> generate() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= COUNT; i++) {
            int pick = random.nextInt(100);
            ObjectNode node;
            if (pick < 22) {
                node = crud();
            } else if (pick < 34) {
                node = graphql();
            } else if (pick < 50) {
                node = markdown();
            } else if (pick < 60) {
                node = ticket();
            } else if (pick < 70) {
                node = callback();
            } else if (pick < 86) {
                node = search();
            } else if (pick < 93) {
                node = form();
            } else {
                node = review();
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("id", String.format(Locale.ROOT, "gen-%04d", i));
            out.put("source", "generated");
            out.put("category", node.get("category").asText());
            out.put("paranoia_level", 1);
            out.put("method", node.get("method").asText());
            out.put("uri", node.get("uri").asText());
            out.set("headers", node.get("headers"));
            out.put("body", node.path("body").asText(""));
            out.put("expect", "allow");
            lines.add(JSON.writeValueAsString(out));
        }
        return lines;
    }

    /** An insertion-ordered map: {@code Map.of} iterates in an order that changes from one JVM run to the next. */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private String name() {
        return pick(FIRST) + " " + pick(LAST);
    }

    private String email(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", ".").replaceAll("^\\.|\\.$", "")
                + (random.nextBoolean() ? "@example.com" : "+" + random.nextInt(99) + "@mail.example.org");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private String id() {
        return random.nextBoolean()
                ? Integer.toString(1 + random.nextInt(99999))
                : String.format(
                        Locale.ROOT,
                        "%08x-%04x-4%03x-a%03x-%012x",
                        random.nextInt(),
                        random.nextInt(0x10000),
                        random.nextInt(0x1000),
                        random.nextInt(0x1000),
                        random.nextLong() & 0xffffffffffffL);
    }

    private String sentence() {
        StringBuilder out = new StringBuilder();
        int n = 5 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : " ").append(pick(WORDS));
        }
        return Character.toUpperCase(out.charAt(0)) + out.substring(1) + ".";
    }

    private ObjectNode request(String category, String method, String uri, String contentType, String body) {
        ObjectNode node = JSON.createObjectNode();
        node.put("category", category);
        node.put("method", method);
        node.put("uri", uri);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", pick(AGENTS));
        headers.put("Accept", random.nextBoolean() ? "application/json" : "application/json, text/plain, */*");
        if (random.nextInt(3) > 0) {
            headers.put(
                    "Authorization",
                    "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjMifQ." + Long.toHexString(random.nextLong()));
        }
        if (random.nextBoolean()) {
            headers.put(
                    "Accept-Language",
                    pick(new String[] {"en-US,en;q=0.9", "de-DE,de;q=0.8", "fr-FR", "ja-JP", "pt-BR,pt;q=0.9"}));
        }
        if (random.nextInt(4) == 0) {
            headers.put(
                    "Referer",
                    "https://app.example.com/"
                            + pick(new String[] {"orders", "settings/profile", "search?q=shoes", "issues/42"}));
        }
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        ObjectNode h = node.putObject("headers");
        headers.forEach(h::put);
        if (body != null) {
            node.put("body", body);
        }
        return node;
    }

    private ObjectNode json(String category, String method, String uri, Object body) throws IOException {
        return request(category, method, uri, "application/json", JSON.writeValueAsString(body));
    }

    private ObjectNode crud() throws IOException {
        String resource = pick(
                new String[] {"users", "orders", "products", "invoices", "pets", "projects", "customers", "tickets"});
        int verb = random.nextInt(6);
        if (verb == 0) {
            String query = "?limit=" + (10 + random.nextInt(90)) + "&offset=" + random.nextInt(500)
                    + (random.nextBoolean()
                            ? "&sort="
                                    + enc(pick(
                                            new String[] {"-created_at", "name", "price,-rating", "updated_at desc"}))
                            : "")
                    + (random.nextBoolean() ? "&fields=" + enc("id,name,status,created_at") : "")
                    + (random.nextBoolean()
                            ? "&filter[status]=" + pick(new String[] {"open", "closed", "pending", "all"})
                            : "")
                    + (random.nextBoolean() ? "&include=" + enc("owner,items") : "");
            return request("crud", "GET", "/api/v1/" + resource + query, null, null);
        }
        if (verb == 1) {
            return request(
                    "crud", random.nextBoolean() ? "GET" : "DELETE", "/api/v1/" + resource + "/" + id(), null, null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        String name = name();
        switch (resource) {
            case "users", "customers" -> {
                body.put("name", name);
                body.put("email", email(name));
                body.put("phone", "+49 30 " + (1000000 + random.nextInt(8999999)));
                body.put(
                        "address",
                        map(
                                "street",
                                (1 + random.nextInt(200)) + " Rue de l'Église",
                                "city",
                                pick(new String[] {"Zürich", "São Paulo", "Kraków", "Montréal", "Köln", "東京"}),
                                "postal_code",
                                Integer.toString(10000 + random.nextInt(89999))));
                body.put("bio", pick(LANG_PROSE));
                body.put("website", "https://" + name.split(" ")[0].toLowerCase(Locale.ROOT) + ".example.dev");
            }
            case "orders", "invoices" -> {
                List<Map<String, Object>> items = new ArrayList<>();
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    items.add(map(
                            "sku",
                            "SKU-" + (1000 + random.nextInt(9000)),
                            "quantity",
                            1 + random.nextInt(5),
                            "unit_price",
                            Math.round(random.nextDouble() * 10000) / 100.0));
                }
                body.put("customer_id", id());
                body.put("items", items);
                body.put("currency", pick(new String[] {"EUR", "USD", "JPY", "GBP"}));
                body.put("notes", random.nextBoolean() ? "Please leave at the door; ring twice." : sentence());
                body.put("shipping", map("method", "express", "address", "Flat 3, 12 O'Connell St, Dublin"));
            }
            case "products" -> {
                body.put("title", pick(new String[] {
                    "Select Comfort Pillow",
                    "Union Jack Mug",
                    "Drop-leaf Table",
                    "Alert Buzzer Kit",
                    "Script Font Pack",
                    "Echo Wall Mount",
                    "Cat Tree XL",
                    "Exec Chair"
                }));
                body.put("description", pick(LANG_PROSE) + " " + sentence());
                body.put("price", Math.round(random.nextDouble() * 50000) / 100.0);
                body.put("tags", List.of(pick(WORDS), pick(WORDS)));
                body.put("dimensions", "30 x 20 x 10 cm");
            }
            case "pets" -> {
                body.put("name", pick(new String[] {"Rex", "Mittens", "Bobby Tables", "Null", "Echo", "Cat"}));
                body.put("category", map("id", random.nextInt(10), "name", pick(new String[] {"dogs", "cats"})));
                body.put("photoUrls", List.of("https://cdn.example.com/pets/" + id() + ".jpg"));
                body.put("status", pick(new String[] {"available", "pending", "sold"}));
            }
            default -> {
                body.put("title", sentence());
                body.put("description", pick(LANG_PROSE));
                body.put("priority", pick(new String[] {"low", "medium", "high"}));
                body.put("assignee", email(name));
                body.put("labels", List.of("bug", pick(WORDS)));
            }
        }
        String method = verb == 2 || verb == 3 ? "POST" : verb == 4 ? "PUT" : "PATCH";
        String uri = "/api/v1/" + resource + (method.equals("POST") ? "" : "/" + id());
        return json("crud", method, uri, body);
    }

    private ObjectNode graphql() throws IOException {
        String[] queries = {
            "query GetUser($id: ID!) {\n  user(id: $id) {\n    id\n    name\n    email\n    orders(first: 10) { edges { node { id total status } } }\n  }\n}",
            "query Search($q: String!, $first: Int = 20) {\n  search(query: $q, first: $first) {\n    ... on Product { id title price }\n    ... on Article { id headline }\n  }\n}",
            "mutation CreateComment($input: CreateCommentInput!) {\n  createComment(input: $input) { comment { id body createdAt } errors { field message } }\n}",
            "mutation UpdateProfile($bio: String, $site: URL) { updateProfile(bio: $bio, website: $site) { ok } }",
            "query { viewer { login repositories(first: 5, orderBy: {field: UPDATED_AT, direction: DESC}) { nodes { name } } } }",
            "fragment userFields on User { id name avatarUrl }\nquery Team($slug: String!) { team(slug: $slug) { members { ...userFields } } }",
            "query Orders($filter: OrderFilter) { orders(filter: $filter, orderBy: CREATED_AT_DESC) { totalCount nodes { id } } }",
            "subscription OnMessage($room: ID!) { messageAdded(roomId: $room) { id text author { name } } }",
            "{ __typename }",
        };
        String query = pick(queries);
        Map<String, Object> variables = new LinkedHashMap<>();
        if (query.contains("$id")) {
            variables.put("id", id());
        }
        if (query.contains("$q")) {
            variables.put("q", pick(SEARCHES));
        }
        if (query.contains("$input")) {
            variables.put("input", map("subjectId", id(), "body", markdownText()));
        }
        if (query.contains("$bio")) {
            variables.put("bio", pick(LANG_PROSE));
            variables.put("site", pick(CALLBACK_HOSTS) + "/profile");
        }
        if (query.contains("$slug")) {
            variables.put("slug", "platform-team");
        }
        if (query.contains("$filter")) {
            variables.put("filter", map("status", "SHIPPED", "createdAfter", "2026-01-01T00:00:00Z"));
        }
        if (query.contains("$room")) {
            variables.put("room", id());
        }
        if (random.nextInt(4) == 0) {
            String uri = "/graphql?query=" + enc(query.replace('\n', ' ')) + "&variables="
                    + enc(JSON.writeValueAsString(variables));
            return request("graphql", "GET", uri, null, null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", query);
        body.put("variables", variables);
        if (random.nextBoolean()) {
            body.put("operationName", query.replaceAll("(?s)^\\w+ (\\w+).*", "$1"));
        }
        return json("graphql", "POST", "/graphql", body);
    }

    private String fenced() {
        int kind = random.nextInt(4);
        return switch (kind) {
            case 0 -> "```sql\n" + pick(SQL_SNIPPETS) + "\n```";
            case 1 -> "```bash\n$ " + pick(SHELL_SNIPPETS) + "\n```";
            case 2 -> "```js\n" + pick(JS_SNIPPETS) + "\n```";
            default -> "```python\n" + pick(PY_SNIPPETS) + "\n```";
        };
    }

    private String markdownText() {
        StringBuilder out = new StringBuilder();
        String[] intros = {
            "Thanks for the report! I can reproduce this on `main`.",
            "## Steps to reproduce\n\n1. Open the dashboard\n2. Click **Export**\n3. See the error",
            "LGTM with one nit below.",
            "This fails for me on Ubuntu 24.04 with Java 21:",
            "> The query times out after 30s\n\nSame here. Workaround:",
            "I think the culprit is this query in `OrderRepository`:",
            "Here is what I ran, for the record:",
            "Can you try running `" + pick(SHELL_SNIPPETS) + "` and paste the output?",
            "The docs say to use `" + pick(SQL_SNIPPETS) + "` but that did not work.",
        };
        out.append(pick(intros)).append("\n\n");
        out.append(fenced());
        if (random.nextBoolean()) {
            out.append("\n\nAlso tried:\n\n").append(fenced());
        }
        if (random.nextBoolean()) {
            out.append(
                            "\n\n- [x] checked the logs\n- [ ] tested on staging\n\nSee https://github.com/example/app/issues/")
                    .append(random.nextInt(5000));
        }
        return out.toString();
    }

    private ObjectNode markdown() throws IOException {
        int where = random.nextInt(3);
        if (where == 0) {
            return json(
                    "markdown",
                    "POST",
                    "/api/v1/issues/" + random.nextInt(9999) + "/comments",
                    map("body", markdownText()));
        }
        if (where == 1) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("title", pick(new String[] {
                "Export fails with timeout",
                "Slow query on orders page",
                "Docs: install steps",
                "Crash when uploading a CSV",
                "Select dropdown does not close",
                "Union types in the schema"
            }));
            body.put("body", markdownText());
            body.put("labels", List.of("bug"));
            return json("markdown", "POST", "/api/v1/repos/example/app/issues", body);
        }
        return json(
                "markdown",
                "PATCH",
                "/api/v1/wiki/pages/" + pick(new String[] {"runbook", "onboarding", "faq"}),
                map(
                        "content",
                        "# " + pick(new String[] {"Runbook", "Onboarding", "FAQ"}) + "\n\n" + markdownText(),
                        "message",
                        "update page"));
    }

    private ObjectNode ticket() throws IOException {
        String[] templates = {
            "Hi, when I run %s I get a 401 even though the token is fresh. Any idea?",
            "Our ops team uses \"%s\" every morning to check the service. Since yesterday it returns nothing.",
            "Support said to try '%s' but my terminal says permission denied.",
            "Steps: %s, then reload the page. The export still shows the old data.",
            "I typed %s into the terminal as the guide says, is that right?",
        };
        String text = String.format(Locale.ROOT, pick(templates), pick(SHELL_SNIPPETS));
        if (random.nextBoolean()) {
            text += " " + pick(new String[] {"Thanks!", "Regards, " + name(), "Sent from my phone", "Cheers"});
        }
        if (random.nextInt(3) == 0) {
            return request(
                    "ticket",
                    "POST",
                    "/support/tickets",
                    "application/x-www-form-urlencoded",
                    "subject=" + enc("Help with the API") + "&email=" + enc(email(name())) + "&message=" + enc(text));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "subject",
                pick(new String[] {"API returns 401", "Export broken", "Question about rate limits", "Cannot log in"}));
        body.put("message", text);
        body.put("requester", map("name", name(), "email", email(name())));
        return json("ticket", "POST", "/api/v2/tickets", body);
    }

    private ObjectNode callback() throws IOException {
        String url = pick(CALLBACK_HOSTS) + pick(CALLBACK_PATHS);
        int shape = random.nextInt(4);
        if (shape == 0) {
            return request(
                    "callback",
                    "GET",
                    "/oauth/authorize?response_type=code&client_id=dev-" + random.nextInt(999) + "&redirect_uri="
                            + enc(url) + "&scope=" + enc("openid profile") + "&state="
                            + Long.toHexString(random.nextLong()),
                    null,
                    null);
        }
        if (shape == 1) {
            return request(
                    "callback",
                    "GET",
                    "/login?next=" + enc(url) + "&return_to=" + enc(pick(CALLBACK_HOSTS) + "/"),
                    null,
                    null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("events", List.of("order.created", "order.updated"));
        body.put("secret", Long.toHexString(random.nextLong()));
        body.put("description", "local dev webhook for " + name());
        if (shape == 3) {
            body.put("redirect_uris", List.of(url, pick(CALLBACK_HOSTS) + "/silent-renew.html"));
            body.put("client_name", "dev client");
            return json("callback", "POST", "/oauth/clients", body);
        }
        return json("callback", "POST", "/api/v1/webhooks", body);
    }

    private ObjectNode search() {
        String q = pick(SEARCHES);
        String uri = pick(new String[] {"/search", "/api/v1/search", "/api/products", "/api/v1/articles"}) + "?q="
                + enc(q)
                + (random.nextBoolean() ? "&page=" + (1 + random.nextInt(9)) : "")
                + (random.nextBoolean() ? "&lang=" + pick(new String[] {"en", "de", "fr", "ja", "ru", "zh", "ar"}) : "")
                + (random.nextInt(3) == 0 ? "&sort=relevance" : "");
        if (random.nextInt(5) == 0) {
            uri = uri.replace("%20", "+");
        }
        return request("search", "GET", uri, null, null);
    }

    private ObjectNode form() {
        int shape = random.nextInt(3);
        String name = name();
        if (shape == 0) {
            return request(
                    "form",
                    "POST",
                    "/auth/login",
                    "application/x-www-form-urlencoded",
                    "username=" + enc(email(name)) + "&password=" + enc("P@ss'w0rd;" + random.nextInt(999) + "!")
                            + "&remember=on");
        }
        if (shape == 1) {
            return request(
                    "form",
                    "POST",
                    "/account/profile",
                    "application/x-www-form-urlencoded",
                    "display_name=" + enc(name) + "&bio=" + enc(pick(LANG_PROSE)) + "&website="
                            + enc(pick(CALLBACK_HOSTS) + "/me"));
        }
        return request(
                "form",
                "POST",
                "/contact",
                "application/x-www-form-urlencoded",
                "name=" + enc(name) + "&email=" + enc(email(name)) + "&message="
                        + enc(sentence() + " " + pick(SEARCHES)));
    }

    private ObjectNode review() throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rating", 1 + random.nextInt(5));
        body.put("title", pick(new String[] {"Great!", "Not as described", "5/5 would buy again", "Meh :-/", "<3 it"}));
        body.put("text", pick(LANG_PROSE) + (random.nextBoolean() ? " " + sentence() : ""));
        body.put("author", name());
        return json("review", "POST", "/api/v1/products/" + id() + "/reviews", body);
    }
}
