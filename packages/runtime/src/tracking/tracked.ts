/**
 * The bookkeeping slots every tracked object carries. They are plain `$`-prefixed properties,
 * created in one fixed order when an instance is built, so all instances of a class share one
 * hidden class and generated accessors stay monomorphic.
 */
export interface Tracked {
  /** Change list of the world this object belongs to, or null while detached. */
  $t: Tracked[] | null;
  /** Owning object or collection, or null for a root (an entity) or a detached object. */
  $p: TrackedParent | null;
  /** Field index (owner is a schema object), element index or map key (owner is a collection). */
  $pk: number | string;
  /** Already on the change list this tick. */
  $q: boolean;
  /** Fields changed this tick, two words of 32 bits. */
  $c0: number;
  $c1: number;
  /** Nested fields replaced (assigned a new object) this tick: they go out whole, not as a patch. */
  $r0: number;
  $r1: number;
  /** Network id while this object is an entity of a world; 0 otherwise. */
  $id: number;
  /** The room's handle on this entity (its slot in the room's entity table), or null: O(1) from a changed object. */
  $ext: unknown;
  /** Resets the per-tick change record. */
  $clear(): void;
  /** Calls `fn` for each directly nested tracked object (children, elements, map values). */
  $children(fn: (child: Tracked) => void): void;
}

export interface TrackedParent extends Tracked {
  /** A nested object at `key` changed in place. */
  $childChanged(key: number | string): void;
}

/** Puts `o` on its world's change list and tells its owner, once per tick. */
export function markDirty(o: Tracked): void {
  o.$q = true;
  const t = o.$t;
  if (t !== null) t.push(o);
  const p = o.$p;
  if (p !== null) p.$childChanged(o.$pk);
}

/** Marks field `index` of a schema object as changed in place (a nested object changed). */
export function fieldChanged(o: Tracked, index: number): void {
  if (index < 32) o.$c0 |= 1 << index;
  else o.$c1 |= 1 << (index - 32);
  if (!o.$q) markDirty(o);
}

/** Gives `child` to `owner` at `key`. Schema objects have one owner: sharing one is an error. */
export function adopt(child: Tracked, owner: TrackedParent, key: number | string, where: () => string): void {
  if (!isTracked(child)) {
    const v = child as unknown;
    const got = Array.isArray(v) ? 'an Array' : v instanceof Map ? 'a Map' : `a ${(v as object).constructor?.name ?? typeof v}`;
    throw new TypeError(`${where()}: expected a @schema object, NetArray or NetMap (plain values are not tracked), got ${got}`);
  }
  if (child.$p !== null && child.$p !== owner) {
    throw new Error(
      `${where()}: this ${child.constructor.name} already belongs to another object; ` +
        'a schema object can have one owner, so assign a copy instead',
    );
  }
  child.$p = owner;
  child.$pk = key;
  setWorld(child, owner.$t);
}

/** Takes `child` away from its owner (it was replaced or removed). */
export function release(child: Tracked): void {
  child.$p = null;
  setWorld(child, null);
}

/**
 * Moves a subtree into a world (or out of it, with null). Its pending changes are dropped: an
 * object entering a world is sent whole, so nothing recorded before can matter.
 */
export function setWorld(o: Tracked, t: Tracked[] | null): void {
  if (o.$t === t) return;
  o.$t = t;
  if (o.$q) {
    o.$clear();
    o.$q = false;
  }
  o.$children((c) => setWorld(c, t));
}

export function isTracked(v: unknown): v is Tracked {
  return typeof v === 'object' && v !== null && '$q' in v && '$clear' in v;
}

/** Creates the bookkeeping slots in a fixed order (see Tracked). */
export function initSlots(o: Tracked): void {
  o.$t = null;
  o.$p = null;
  o.$pk = 0;
  o.$q = false;
  o.$c0 = 0;
  o.$c1 = 0;
  o.$r0 = 0;
  o.$r1 = 0;
  o.$id = 0;
  o.$ext = null;
}
