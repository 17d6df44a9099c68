package org.cxjf;

/**
 * Run in a JVM of its own by {@link CxjfTest#aFailedLoadSaysWhatToDoAndALaterCallSucceeds}:
 * with -Dcxjf.library naming a file that does not exist, the first call must
 * throw CxjfException saying what to do; once the property is cleared, a
 * later call in the same JVM must load the jar's library. Prints what it saw.
 */
public final class LoadFailureProbe {
  private LoadFailureProbe() {}

  public static void main(String[] args) {
    try {
      Cxjf.version();
      System.out.println("first call: loaded");
    } catch (CxjfException e) {
      System.out.println("first call: " + e.getStatus() + ": " + e.getMessage());
    }
    try {
      Cxjf.version();
      System.out.println("second call: loaded");
    } catch (CxjfException e) {
      System.out.println("second call: " + e.getStatus());
    }
    System.clearProperty("cxjf.library");
    System.out.println("after the fix: " + Cxjf.version() + " from " + Cxjf.loadedLibrary());
    try (Model model = Model.defaultModel()) {
      System.out.println("template starts with a BOM: " + model.uploadTemplate().startsWith("\uFEFF"));
    }
  }
}
