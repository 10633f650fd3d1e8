package io.portcullis.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** web.xml declares one filter, which runs the stages: the order lives in {@link FilterStage} alone. */
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

    @Test
    void webXmlWhenParsedThenOneFilterDeclaredAsyncWithoutAClassAndMappedToAllPaths() throws Exception {
        Document webXml = webXml();
        List<Element> filters = elements(webXml, "filter");
        List<Element> mappings = elements(webXml, "filter-mapping");

        assertEquals(
                List.of("portcullis"),
                filters.stream().map(f -> child(f, "filter-name")).toList());
        assertEquals("true", child(filters.get(0), "async-supported"));
        assertEquals(null, child(filters.get(0), "filter-class"), "GatewayContextListener supplies the instance");
        assertEquals(
                List.of("portcullis"),
                mappings.stream().map(m -> child(m, "filter-name")).toList());
        assertEquals("/*", child(mappings.get(0), "url-pattern"));
        assertTrue(webXml.getDocumentElement().getAttribute("metadata-complete").equals("true"));
    }

    @Test
    void previousWhenAskedThenTheStageDeclaredJustBefore() {
        assertEquals(Optional.empty(), FilterStage.ACCESS_LOG.previous());
        for (int i = 1; i < FilterStage.values().length; i++) {
            assertEquals(Optional.of(FilterStage.values()[i - 1]), FilterStage.values()[i].previous());
        }
    }
}
