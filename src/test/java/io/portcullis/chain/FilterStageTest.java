package io.portcullis.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FilterStageTest {

    @Test
    void webXmlWhenReadThenDeclaresAndMapsTheStagesInEnumOrder() throws Exception {
        String webXml = Files.readString(Path.of("src/main/webapp/WEB-INF/web.xml"));
        List<String> expected = Arrays.stream(FilterStage.values()).map(FilterStage::filterName).toList();
        assertEquals(expected, names(webXml, "<filter><filter-name>([^<]+)</filter-name>"));
        assertEquals(expected, names(webXml, "<filter-mapping><filter-name>([^<]+)</filter-name>"));
    }

    private static List<String> names(String xml, String regex) {
        List<String> names = new ArrayList<>();
        Matcher matcher = Pattern.compile(regex).matcher(xml);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
