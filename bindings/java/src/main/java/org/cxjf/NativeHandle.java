package org.cxjf;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A handle of the C ABI owned by a Java object. Calls hold a read lock for
 * their duration and close() the write lock, so that closing waits for the
 * calls in flight: the C ABI forbids destroying a handle another thread is
 * using, and a Java program should get an exception, not a crashed JVM.
 */
abstract class NativeHandle implements AutoCloseable {
  /** A call on the live pointer. */
  interface Call<T> {
    T on(Pointer handle);
  }

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final String kind;
  private Pointer handle;

  NativeHandle(Pointer handle, String kind) {
    this.handle = handle;
    this.kind = kind;
  }

  /** Runs {@code call} on the live handle; IllegalStateException once closed. */
  final <T> T use(Call<T> call) {
    lock.readLock().lock();
    try {
      if (handle == null) throw new IllegalStateException("this " + kind + " is closed");
      return call.on(handle);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Destroys the handle; later calls throw. Closing twice does nothing. */
  @Override
  public final void close() {
    lock.writeLock().lock();
    try {
      if (handle == null) return;
      PointerByReference ref = new PointerByReference(handle);
      handle = null;
      int status = destroy(ref);
      if (status != Status.OK.code()) {
        throw new CxjfException(status, "destroying a " + kind + ": " + Cxjf.lib().cxjf_status_name(status), null);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The cxjf_*_destroy function of the handle's kind. */
  abstract int destroy(PointerByReference handle);
}
