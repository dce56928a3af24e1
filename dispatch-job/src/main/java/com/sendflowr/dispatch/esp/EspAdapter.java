package com.sendflowr.dispatch.esp;

import com.sendflowr.dispatch.DispatchCommand;
import java.io.Serializable;

/** Turns a due dispatch into the ESP's own API call. One implementation per ESP. */
public interface EspAdapter extends Serializable {
  /** The {@code esp} name bindings use, e.g. {@code klaviyo}. */
  String name();

  /** The production API root, overridable per deployment (sandbox, regional hosts). */
  String defaultBaseUrl();

  EspRequest build(DispatchCommand command, String baseUrl, String apiKey);

  /** The ESP's id for the accepted call, if its response carries one. */
  default String responseId(int status, String body) {
    return null;
  }
}
