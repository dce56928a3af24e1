package com.sendflowr.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The next version of a job jar: the jar with some of its classes replaced by other versions of
 * them, compiled from the sources under a test resource directory against the jar itself (so they
 * must fit the rest of the job's code as a real change would). Only classes the jar already has may
 * be replaced: a new version here changes what a state type holds, not what the job is made of.
 */
final class NextVersionJar {
  private NextVersionJar() {}

  /**
   * @param jobJar the current version's job jar
   * @param sources a test resource directory of Java sources, laid out by package
   * @param out the jar to write
   * @return the names of the classes replaced
   */
  static Set<String> build(Path jobJar, String sources, Path out) throws IOException {
    Path sourceRoot = resource(sources);
    List<File> files;
    try (Stream<Path> walk = Files.walk(sourceRoot)) {
      files = walk.filter(f -> f.toString().endsWith(".java")).map(Path::toFile).toList();
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no sources under " + sourceRoot);
    }
    Path classes = Files.createTempDirectory(out.getParent(), "next-version-classes");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("the tests need a JDK: no system Java compiler");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fileManager = javac.getStandardFileManager(null, null, null)) {
      List<String> options =
          List.of(
              "--release",
              "17",
              "-parameters",
              "-proc:none",
              "-d",
              classes.toString(),
              // the job's own classes first, then Flink's (provided by the cluster, not in the jar)
              "-classpath",
              jobJar + File.pathSeparator + System.getProperty("java.class.path"));
      boolean compiled =
          javac
              .getTask(
                  null,
                  fileManager,
                  diagnostics,
                  options,
                  null,
                  fileManager.getJavaFileObjectsFromFiles(files))
              .call();
      if (!compiled) {
        StringBuilder errors = new StringBuilder("the next version of " + jobJar + " fails:");
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
          errors.append('\n').append(d);
        }
        throw new IllegalStateException(errors.toString());
      }
    }

    Map<String, byte[]> replacements = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(classes)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        replacements.put(
            classes.relativize(f).toString().replace(File.separatorChar, '/'),
            Files.readAllBytes(f));
      }
    }
    Set<String> replaced = new HashSet<>();
    try (ZipFile jar = new ZipFile(jobJar.toFile());
        ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      Enumeration<? extends ZipEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        zip.putNextEntry(new ZipEntry(entry.getName()));
        byte[] replacement = replacements.get(entry.getName());
        if (replacement != null) {
          zip.write(replacement);
          replaced.add(entry.getName());
        } else if (!entry.isDirectory()) {
          try (InputStream in = jar.getInputStream(entry)) {
            in.transferTo(zip);
          }
        }
        zip.closeEntry();
      }
    }
    Set<String> missing = new HashSet<>(replacements.keySet());
    missing.removeAll(replaced);
    if (!missing.isEmpty()) {
      throw new IllegalStateException(jobJar + " has no classes " + missing + " to replace");
    }
    List<String> names = new ArrayList<>();
    for (String name : replaced) {
      names.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
    }
    return Set.copyOf(names);
  }

  private static Path resource(String name) throws IOException {
    URL url = NextVersionJar.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IOException("no test resource " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }
}
