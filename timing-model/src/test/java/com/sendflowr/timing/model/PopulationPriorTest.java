package com.sendflowr.timing.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PopulationPriorTest {
  private static final ModelConfig CFG = ModelConfig.defaults().withCohorts(4);
  private static final int MORNING = 7 * 60 + 30;
  private static final int EVENING = 21 * 60;

  /** A cohort prior learned from random recipients (for property tests elsewhere). */
  static PopulationPrior randomCohorts(Random rnd) {
    PopulationPrior.Builder b = PopulationPrior.builder(CFG);
    for (int i = 0; i < 40; i++) {
      b.add(Fixtures.random(rnd));
    }
    PopulationPrior p = b.build();
    assertThat(p.cohortCount()).isEqualTo(4);
    return p;
  }

  /** 60 morning people and 40 evening people: two routines the population average blurs. */
  private static PopulationPrior.Builder twoRoutines(ModelConfig config, long seed) {
    Random rnd = new Random(seed);
    PopulationPrior.Builder b = PopulationPrior.builder(config);
    for (int i = 0; i < 100; i++) {
      int peak = i % 5 < 3 ? MORNING : EVENING;
      b.add(Fixtures.dailyHabit(rnd, peak + (int) (rnd.nextGaussian() * 20), 4, 25));
    }
    return b;
  }

  /** Three evening events: too few for a curve of its own. */
  private static RecipientState sparseEvening() {
    RecipientState s = new RecipientState();
    s.update(1.0, Fixtures.at(0, EVENING + 5), Duration.ofDays(21));
    s.update(1.0, Fixtures.at(0, 1440 * 2 + EVENING - 10), Duration.ofDays(21));
    s.update(1.0, Fixtures.at(0, 1440 * 4 + EVENING + 15), Duration.ofDays(21));
    return s;
  }

  @Test
  void sparseRecipientGetsThePriorOfItsCohortNotThePopulationAverage() {
    PopulationPrior prior = twoRoutines(CFG, 1).build();
    assertThat(prior.cohortCount()).isEqualTo(4);
    RecipientState s = sparseEvening();
    // Strong prior, so the curve is mostly prior: what the prior says decides the peak.
    ModelConfig cfg = CFG.withPriorStrength(30);
    EngagementCurve cohort = EngagementCurve.blend(s, s.mass(), prior, cfg);
    EngagementCurve population = EngagementCurve.blend(s, s.mass(), prior.populationOnly(), cfg);

    // The population average puts more mass on the (majority) morning peak; the cohort prior
    // recognises an evening person from three events.
    assertThat(population.lift(MORNING)).isGreaterThan(population.lift(EVENING) * 0.8);
    assertThat(cohort.lift(EVENING)).isGreaterThan(3 * cohort.lift(MORNING));
    assertThat(cohort.lift(EVENING)).isGreaterThan(population.lift(EVENING));
    assertThat(cohort.recipientWeight()).isEqualTo(population.recipientWeight());

    // Explained: the cohorts used, largest responsibility first, summing to at most 1.
    assertThat(cohort.cohortWeights()).isNotEmpty().hasSizeLessThanOrEqualTo(3);
    double sum = 0;
    double last = 1;
    for (CohortWeight w : cohort.cohortWeights()) {
      assertThat(w.responsibility()).isLessThanOrEqualTo(last);
      last = w.responsibility();
      sum += w.responsibility();
    }
    assertThat(sum).isLessThanOrEqualTo(1 + 1e-9);
    assertThat(cohort.cohortWeights().get(0).responsibility()).isGreaterThan(0.5);
    EngagementCurve top =
        EngagementCurve.ofPrior(prior.cohort(cohort.cohortWeights().get(0).cohort()), cfg);
    assertThat(top.peakMinute() % 1440).isBetween(EVENING - 60, EVENING + 60);
    assertThat(population.cohortWeights()).isEmpty();
  }

  @Test
  void unknownRecipientGetsThePopulationAverageEvenWithCohorts() {
    PopulationPrior prior = twoRoutines(CFG, 2).build();
    EngagementCurve cold = EngagementCurve.blend(null, 0, prior, CFG);
    EngagementCurve avg = EngagementCurve.ofPrior(prior.populationOnly(), CFG);
    for (int m = 0; m < 10_080; m += 97) {
      assertThat(cold.density(m)).isEqualTo(avg.density(m));
    }
    assertThat(EngagementCurve.ofPrior(prior, CFG).density(500)).isEqualTo(avg.density(500));
    assertThat(cold.cohortWeights()).isEmpty();
  }

  @Test
  void thePriorIsThePriorWhateverItsStrength() {
    PopulationPrior prior = twoRoutines(CFG, 2).build();
    EngagementCurve strong = EngagementCurve.ofPrior(prior, CFG);
    EngagementCurve none = EngagementCurve.ofPrior(prior, CFG.withPriorStrength(0));
    assertThat(strong.peakLift()).isGreaterThan(1.5);
    for (int m = 0; m < 10_080; m += 97) {
      assertThat(none.density(m)).isEqualTo(strong.density(m));
    }
  }

  @Test
  void oneCohortOrFewerIsThePopulationPriorOfBefore() {
    for (int k : new int[] {0, 1}) {
      PopulationPrior k1 = twoRoutines(CFG.withCohorts(k), 3).build();
      PopulationPrior plain = twoRoutines(CFG, 3).build().populationOnly();
      assertThat(k1.cohortCount()).isZero();
      assertThat(k1.toBytes()).isEqualTo(plain.toBytes());
      assertThat(k1.toBytes()[0]).isEqualTo((byte) 1);
      assertThat(PopulationPrior.builder().build().isEmpty()).isTrue();
    }
  }

  @Test
  void learningIsDeterministicForTheSameInput() {
    byte[] a = twoRoutines(CFG, 4).build().toBytes();
    byte[] b = twoRoutines(CFG, 4).build().toBytes();
    assertThat(a).isEqualTo(b);
    assertThat(a[0]).isEqualTo(PopulationPrior.FORMAT_VERSION);
  }

  @Test
  void sharesSumToOne() {
    PopulationPrior p = twoRoutines(CFG, 5).build();
    assertThat(Arrays.stream(p.cohortShares()).sum() + p.backgroundShare())
        .isCloseTo(1.0, within(1e-9));
    assertThat(p.cohortShares()).hasSize(4);
    assertThat(p.members()).isEqualTo(100);
  }

  @Test
  void v2RoundTripsAndV1IsStillRead() {
    PopulationPrior p = twoRoutines(CFG, 6).build();
    PopulationPrior back = PopulationPrior.fromBytes(p.toBytes());
    assertThat(back.cohortCount()).isEqualTo(p.cohortCount());
    assertThat(back.toBytes()).isEqualTo(p.toBytes());
    RecipientState s = sparseEvening();
    assertThat(EngagementCurve.blend(s, s.mass(), back, CFG).density(EVENING))
        .isEqualTo(EngagementCurve.blend(s, s.mass(), p, CFG).density(EVENING));

    // A v1 prior (the only format before cohorts) reads as the population average.
    byte[] v1 = p.populationOnly().toBytes();
    assertThat(v1[0]).isEqualTo((byte) 1);
    PopulationPrior old = PopulationPrior.fromBytes(v1);
    assertThat(old.cohortCount()).isZero();
    assertThat(EngagementCurve.ofPrior(old, CFG).density(123))
        .isEqualTo(EngagementCurve.ofPrior(p, CFG).density(123));

    byte[] bytes = p.toBytes();
    assertThatThrownBy(() -> PopulationPrior.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] v3 = bytes.clone();
    v3[0] = 3;
    assertThatThrownBy(() -> PopulationPrior.fromBytes(v3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void explanationShowsTheCohortWeightsAndThePriorShare() {
    PopulationPrior prior = twoRoutines(CFG, 7).build();
    TimingEngine engine = new TimingEngine(CFG, prior);
    Instant now = Fixtures.at(1, 0);
    TimingChoice c =
        engine.decide(
            DecisionRequest.of(
                "r-1", "promo", now, now, now.plus(Duration.ofDays(7)), sparseEvening()));
    InputSummary in = c.explanation().inputs();
    assertThat(in.priorCohorts()).isEqualTo(4);
    assertThat(in.cohortWeights()).isNotEmpty();
    assertThat(in.priorWeight()).isCloseTo(1 - in.recipientWeight(), within(1e-12));
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> map =
        (java.util.Map<String, Object>) c.explanation().toMap().get("inputs");
    assertThat(map).containsKeys("prior_weight", "prior_cohorts", "cohort_weights");
    assertThat((java.util.List<?>) map.get("cohort_weights")).hasSize(in.cohortWeights().size());
  }
}
