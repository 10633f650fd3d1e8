package io.portcullis.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Holds web.xml and {@link FilterStage} together: the one stage order, declared in one place. */
class FilterStageTest {
    private static final Path WEB_XML = Path.of("src/main/webapp/WEB-INF/web.xml");

    private static Document webXml() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(WEB_XML.toFile());
    }

    private static List<Element> elements(Document document, String name) {
        NodeList nodes = document.getElementsByTagNameNS("*", name);
        List<Element> result = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            result.add((Element) nodes.item(i));
        }
        return result;
    }

    private static String child(Element element, String name) {
        NodeList nodes = element.getElementsByTagNameNS("*", name);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    private static List<String> stageNames() {
        return Arrays.stream(FilterStage.values()).map(FilterStage::filterName).toList();
    }

    @Test
    void webXmlWhenParsedThenFilterMappingOrderIsTheStageOrder() throws Exception {
        List<String> mapped = elements(webXml(), "filter-mapping").stream().map(m -> child(m, "filter-name")).toList();

        assertEquals(stageNames(), mapped);
    }

    @Test
    void webXmlWhenParsedThenEveryStageDeclaredAsyncWithoutAClass() throws Exception {
        List<Element> filters = elements(webXml(), "filter");

        assertEquals(stageNames(), filters.stream().map(f -> child(f, "filter-name")).toList());
        for (Element filter : filters) {
            assertEquals("true", child(filter, "async-supported"), child(filter, "filter-name"));
            assertEquals(null, child(filter, "filter-class"), "GatewayContextListener supplies the instance");
        }
    }

    @Test
    void webXmlWhenParsedThenEveryMappingCoversAllPaths() throws Exception {
        for (Element mapping : elements(webXml(), "filter-mapping")) {
            assertEquals("/*", child(mapping, "url-pattern"), child(mapping, "filter-name"));
        }
        assertTrue(webXml().getDocumentElement().getAttribute("metadata-complete").equals("true"));
    }
}
