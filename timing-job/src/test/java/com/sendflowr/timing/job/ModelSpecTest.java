package com.sendflowr.timing.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.timing.model.CalibratedModel;
import com.sendflowr.timing.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming job loads the calibrated model file that {@code calibrate} writes. */
class ModelSpecTest {
  @TempDir Path dir;

  @Test
  void aCalibratedModelFileSetsTheJobsConfigurationAndLabelsItsDecisions() throws Exception {
    ModelConfig calibrated =
        ModelConfig.defaults().withHalfLife(Duration.ofDays(180)).withSmoothingMinutes(75);
    Path file = dir.resolve("model.json");
    new CalibratedModel(Instant.parse("2026-08-03T00:00:00Z"), 1234, calibrated, List.of(), null)
        .write(file);

    ModelSpec spec = ModelSpec.of(file, null);
    assertThat(spec.config()).isEqualTo(calibrated);
    assertThat(spec.engine().config()).isEqualTo(calibrated);
    assertThat(spec.modelVersion()).isEqualTo(ModelConfig.MODEL_VERSION + "+cal2026-08-03");
    assertThat(spec.populationPrior().isEmpty()).isTrue();
    assertThat(ModelSpec.defaults().config()).isEqualTo(ModelConfig.defaults());
  }

  @Test
  void aFileThatIsNotAModelFailsWhenTheJobIsBuiltNamingTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("model.json"), "{\"format\":\"something else\"}");
    assertThatThrownBy(() -> ModelSpec.of(file, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString());
    Path prior = Files.write(dir.resolve("prior.bin"), new byte[] {9, 9, 9});
    assertThatThrownBy(() -> ModelSpec.of(null, prior))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(prior.toString());
  }
}
