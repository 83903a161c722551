package io.durastash.source;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicTemplateTest {
    @Test
    void thePlaceholderStandsForTheInputTopic() {
        assertEquals("orders", new TopicTemplate("${topic}").topicFor("orders"));
        assertEquals("orders.buffered", new TopicTemplate("${topic}.buffered").topicFor("orders"));
        assertEquals("dc1_orders-x", new TopicTemplate("dc1_${topic}-x").topicFor("orders"));
        assertEquals("all", new TopicTemplate("all").topicFor("orders"));
        assertEquals(Optional.of("all"), new TopicTemplate("all").fixedTopic());
        assertEquals(Optional.empty(), new TopicTemplate("${topic}.b").fixedTopic());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "${topic} copy", "${topic}/x", "${topik}", "${topic}.${partition}", "$topic", "{topic}",
        ".", "..", "ä${topic}"})
    void rejectsTemplatesThatYieldInvalidTopicNames(String template) {
        assertTrue(TopicTemplate.problem(template).isPresent(), template);
        ConfigException e = assertThrows(ConfigException.class, () -> new TopicTemplate(template));
        assertTrue(e.getMessage().contains(StashSourceConfig.TOPIC_CONFIG), e.getMessage());
    }

    @Test
    void rejectsTemplatesTooLongForAnyInputTopic() {
        assertTrue(TopicTemplate.problem("x".repeat(250)).isPresent());
        assertTrue(TopicTemplate.problem("x".repeat(249)).isEmpty());
        assertTrue(TopicTemplate.problem("x".repeat(249) + "${topic}").isPresent());
        assertTrue(TopicTemplate.problem("x".repeat(248) + "${topic}").isEmpty());
    }

    @Test
    void anInputTopicThatMakesTheNameTooLongFailsWithBothNames() {
        TopicTemplate template = new TopicTemplate("${topic}.buffered");
        String input = "t".repeat(245);
        ConnectException e = assertThrows(ConnectException.class, () -> template.topicFor(input));
        assertTrue(e.getMessage().contains(input) && e.getMessage().contains("${topic}.buffered"), e.getMessage());
    }
}
