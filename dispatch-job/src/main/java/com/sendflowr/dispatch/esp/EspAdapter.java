package com.sendflowr.dispatch.esp;

import com.sendflowr.config.RateLimits;
import com.sendflowr.dispatch.DispatchCommand;
import java.io.Serializable;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Turns a due dispatch into the ESP's own API call. One implementation per ESP, listed in {@link
 * EspAdapters#all()}; its stand-in for tests lives in the sandbox-esp module.
 */
public interface EspAdapter extends Serializable {
  /** The {@code esp} name bindings use, e.g. {@code klaviyo}. */
  String name();

  /** The production API root, overridable per deployment (sandbox, regional hosts). */
  String defaultBaseUrl();

  /**
   * @param apiKey the secret the binding's {@code credential_ref} resolves to
   * @throws IllegalArgumentException when the dispatch cannot be expressed for this ESP (e.g. no
   *     recipient address); the message names what is missing and never the secret
   */
  EspRequest build(DispatchCommand command, String baseUrl, String apiKey);

  /**
   * The vendor's published limits for the call this adapter makes, used for an account whose config
   * sets none. None by default: an ESP without a published limit is limited by its 429s.
   */
  default RateLimits publishedLimits() {
    return RateLimits.NONE;
  }

  /**
   * The most dispatches one call can carry: 1 (the default) for an ESP without a batch endpoint,
   * whose dispatches each get their own call.
   */
  default int maxBatchSize() {
    return 1;
  }

  /**
   * What dispatches must have in common, besides their account, credential, API root and dry-run
   * flag, to share one call: e.g. Braze's campaign or Canvas. Nothing more by default.
   */
  default String batchScope(DispatchCommand command) {
    return "";
  }

  /**
   * One call for 1 to {@link #maxBatchSize()} dispatches that share a {@link Batching#key}. A batch
   * of one is the same call as {@link #build}.
   *
   * @throws IllegalArgumentException as {@link #build}, or when the dispatches cannot share a call
   *     (too many, other scopes, a body beyond the vendor's size limit)
   */
  default EspRequest buildBatch(List<DispatchCommand> commands, String baseUrl, String apiKey) {
    if (commands.size() != 1) {
      throw new IllegalArgumentException(
          name() + " takes one dispatch a call, not " + commands.size());
    }
    return build(commands.get(0), baseUrl, apiKey);
  }

  /** The endpoint a call of this many dispatches goes to, with its published limits. */
  default CallEndpoint endpoint(int dispatches) {
    return CallEndpoint.main(name(), publishedLimits());
  }

  /** The ESP's id for the accepted call, if its response body carries one. */
  default String responseId(int status, String body) {
    return null;
  }

  /** The ESP's id for the accepted call, for ESPs that answer it in a header. */
  default String responseId(int status, String body, UnaryOperator<String> header) {
    return responseId(status, body);
  }
}
