package com.sendflowr.timing.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.SignalType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibratedModelTest {
  private static final Instant UNTIL = Instant.parse("2026-03-02T00:00:00Z");

  private static CalibratedModel sample(PopulationPrior prior) {
    ModelConfig cfg =
        ModelConfig.defaults()
            .withHalfLife(Duration.ofDays(180))
            .withSmoothingMinutes(60)
            .withPriorStrength(5)
            .withDayOfWeekEvidence(30)
            .withUniformMix(0.05)
            .withCohorts(8)
            .withBurstMinutes(30);
    return new CalibratedModel(
        UNTIL,
        1234,
        cfg,
        List.of(
            new CalibratedModel.Evidence(
                "half_life",
                "P180D",
                "mean log2 lift",
                List.of(
                    new CalibratedModel.Candidate("P90D", 0.5, 100),
                    new CalibratedModel.Candidate("P180D", 0.6, 100)))),
        prior);
  }

  @Test
  void roundTripsConfigurationEvidenceAndPrior(@TempDir Path dir) throws Exception {
    Random rnd = new Random(4);
    PopulationPrior.Builder b = PopulationPrior.builder();
    for (int i = 0; i < 20; i++) {
      b.add(Fixtures.random(rnd));
    }
    PopulationPrior prior = b.build();
    CalibratedModel m = sample(prior);
    Path file = dir.resolve("model.json");
    m.write(file);
    assertThat(Files.readString(file)).contains("\"half_life\" : \"P180D\"");
    CalibratedModel back = CalibratedModel.read(file);
    assertThat(back.config()).isEqualTo(m.config());
    assertThat(back.until()).isEqualTo(UNTIL);
    assertThat(back.samples()).isEqualTo(1234);
    assertThat(back.evidence()).isEqualTo(m.evidence());
    assertThat(back.prior().toBytes()).isEqualTo(prior.toBytes());
    assertThat(CalibratedModel.parse(sample(null).toJson()).prior()).isNull();
  }

  @Test
  void fieldsTheFileDoesNotNameKeepTheirDefaults() {
    CalibratedModel m =
        CalibratedModel.parse(
            "{\"format\":\"sendflowr-timing-model\",\"format_version\":1,"
                + "\"until\":\"2026-03-02T00:00:00Z\",\"config\":{\"smoothing_minutes\":45,"
                + "\"signal_weights\":{\"click\":1,\"open\":0}}}");
    assertThat(m.config().smoothingMinutes()).isEqualTo(45);
    assertThat(m.config().halfLife()).isEqualTo(ModelConfig.defaults().halfLife());
    assertThat(m.config().weightOf(SignalType.OPEN)).isZero();
    assertThat(m.config().weightOf(SignalType.CONVERSION)).isZero();
    assertThat(m.evidence()).isEmpty();
  }

  @Test
  void rejectsWhatItCannotReadWithAClearMessage() {
    String head = "{\"format\":\"sendflowr-timing-model\",\"format_version\":1,";
    String until = "\"until\":\"2026-03-02T00:00:00Z\",";
    assertThatThrownBy(() -> CalibratedModel.parse("{oops"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> CalibratedModel.parse("{\"format\":\"other\"}"))
        .hasMessageContaining("not a sendflowr-timing-model");
    assertThatThrownBy(
            () ->
                CalibratedModel.parse(
                    "{\"format\":\"sendflowr-timing-model\",\"format_version\":2}"))
        .hasMessageContaining("format_version 2");
    assertThatThrownBy(() -> CalibratedModel.parse(head + "\"until\":\"yesterday\"}"))
        .hasMessageContaining("until");
    assertThatThrownBy(() -> CalibratedModel.parse(head + until + "\"config\":{\"bogus\":1}}"))
        .hasMessageContaining("unknown config field 'bogus'");
    assertThatThrownBy(
            () -> CalibratedModel.parse(head + until + "\"config\":{\"smoothing_minutes\":5}}"))
        .hasMessageContaining("smoothingMinutes");
    assertThatThrownBy(
            () -> CalibratedModel.parse(head + until + "\"config\":{\"half_life\":\"long\"}}"))
        .hasMessageContaining("half_life");
    assertThatThrownBy(
            () -> CalibratedModel.parse(head + until + "\"config\":{\"prior_strength\":\"x\"}}"))
        .hasMessageContaining("prior_strength must be a number");
    assertThatThrownBy(
            () ->
                CalibratedModel.parse(
                    head + until + "\"config\":{},\"population_prior\":\"AAAA\"}"))
        .hasMessageContaining("population_prior");
  }
}
