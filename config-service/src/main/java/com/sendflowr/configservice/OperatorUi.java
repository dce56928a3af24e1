package com.sendflowr.configservice;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Serves the operator UI, a static single-page app built into the jar under {@code /ui} (by the
 * Maven build from {@code config-service/ui}), at {@value #PATH}. The pages themselves hold no
 * data: they need no token, and everything they show or save goes through the API with the
 * operator's token. Pages get a strict Content-Security-Policy so that, should markup ever reach
 * the DOM unescaped, it could not load or run anything.
 */
final class OperatorUi {
  static final String PATH = "/ui";
  private static final String ROOT = "/ui/";

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json");

  /**
   * {@code script-src 'self'}: no inline or foreign scripts; {@code style-src 'unsafe-inline'}: the
   * canvas positions its nodes with style attributes.
   */
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
          + " form-action 'self'";

  private OperatorUi() {}

  /** Whether the UI was built into this jar (it is not with {@code -Dui.skip}). */
  static boolean isBuilt() {
    return OperatorUi.class.getResource(ROOT + "index.html") != null;
  }

  /** Whether the request is for the UI's static files, which need no token. */
  static boolean isUiPath(String path) {
    return path.equals("/") || path.equals(PATH) || path.startsWith(ROOT);
  }

  static void routes(RoutesConfig r) {
    r.get("/", ctx -> ctx.redirect(ROOT));
    // Javalin ignores trailing slashes when matching, so /ui and /ui/ meet here: relative asset
    // URLs need the slash, hence the redirect.
    r.get(
        PATH,
        ctx -> {
          if (ctx.path().endsWith("/")) {
            serve(ctx, "index.html");
          } else {
            ctx.redirect(ROOT);
          }
        });
    r.get(ROOT + "<file>", ctx -> serve(ctx, ctx.pathParam("file")));
  }

  private static void serve(Context ctx, String file) throws IOException {
    // Only plain names below /ui: no traversal, no hidden files.
    if (file.contains("..")
        || file.contains("\\")
        || file.startsWith("/")
        || file.startsWith(".")) {
      notFound(ctx);
      return;
    }
    InputStream in = OperatorUi.class.getResourceAsStream(ROOT + file);
    if (in == null) {
      // A path the app owns (it routes with #fragments, so this is a typo or a stale asset).
      notFound(ctx);
      return;
    }
    try (in) {
      String ext = file.substring(file.lastIndexOf('.') + 1);
      ctx.contentType(TYPES.getOrDefault(ext, "application/octet-stream"));
      ctx.header("X-Content-Type-Options", "nosniff");
      ctx.header("Referrer-Policy", "no-referrer");
      if (file.startsWith("assets/")) {
        // Vite names assets by content hash: a changed file gets a new name.
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
      } else {
        ctx.header("Cache-Control", "no-cache");
        ctx.header("Content-Security-Policy", CSP);
      }
      ctx.result(in.readAllBytes());
    }
  }

  private static void notFound(Context ctx) {
    ctx.status(404)
        .contentType("text/plain; charset=utf-8")
        .result(
            isBuilt()
                ? "not found"
                : "The operator UI is not part of this build (it was built with -Dui.skip)."
                    + " The API is at "
                    + ConfigApi.BASE
                    + ".");
  }
}
