(* ZMap.t A for the vector generator: a default value plus the keys whose
   value differs from it, as an association list sorted by key with no key
   repeated and no value equal to the default.  Because a key set to the
   default is dropped, two maps are extensionally equal exactly when their
   defaults and their lists are equal; this is the same canonical form as the
   C model's Patricia tree (include/hypsec/zmap.h). *)

Require Import ZArith List Bool Lia.
Import ListNotations.
#[local] Open Scope Z_scope.

Record zmap (A : Type) : Type := ZM { zm_def : A; zm_ents : list (Z * A) }.
Arguments ZM {A} _ _.
Arguments zm_def {A} _.
Arguments zm_ents {A} _.

(* ZMap.init d *)
Definition zm_init {A : Type} (d : A) : zmap A := ZM d [].

Fixpoint assoc_find {A : Type} (d : A) (k : Z) (l : list (Z * A)) : A :=
  match l with
  | [] => d
  | (k', v) :: rest =>
      if k =? k' then v else if k <? k' then d else assoc_find d k rest
  end.

Fixpoint assoc_drop {A : Type} (k : Z) (l : list (Z * A)) : list (Z * A) :=
  match l with
  | [] => []
  | (k', v) :: rest =>
      if k =? k' then rest
      else if k <? k' then l
      else (k', v) :: assoc_drop k rest
  end.

Fixpoint assoc_put {A : Type} (k : Z) (v : A) (l : list (Z * A)) : list (Z * A) :=
  match l with
  | [] => [(k, v)]
  | (k', v') :: rest =>
      if k =? k' then (k, v) :: rest
      else if k <? k' then (k, v) :: l
      else (k', v') :: assoc_put k v rest
  end.

(* ZMap.get k m *)
Definition zm_get {A : Type} (k : Z) (m : zmap A) : A :=
  assoc_find (zm_def m) k (zm_ents m).

(* ZMap.set k v m, given the equality of values that keeps the form canonical *)
Definition zm_set {A : Type} (eqA : A -> A -> bool) (k : Z) (v : A) (m : zmap A) : zmap A :=
  if eqA v (zm_def m) then ZM (zm_def m) (assoc_drop k (zm_ents m))
  else ZM (zm_def m) (assoc_put k v (zm_ents m)).

(* Boolean equality of lists, short-circuiting on the first difference. *)
Fixpoint list_eqb {A : Type} (eqA : A -> A -> bool) (a b : list A) : bool :=
  match a, b with
  | [], [] => true
  | x :: a', y :: b' => if eqA x y then list_eqb eqA a' b' else false
  | _, _ => false
  end.

Definition entry_eqb {A : Type} (eqA : A -> A -> bool) (p q : Z * A) : bool :=
  if fst p =? fst q then eqA (snd p) (snd q) else false.

(* Extensional equality of two canonical maps. *)
Definition zm_eqb {A : Type} (eqA : A -> A -> bool) (m1 m2 : zmap A) : bool :=
  if eqA (zm_def m1) (zm_def m2) then list_eqb (entry_eqb eqA) (zm_ents m1) (zm_ents m2)
  else false.

(* The two laws of the association list under the specs' updates: reading
   back what was put, and leaving other keys alone. *)
Section Laws.
  Context {A : Type}.

  Lemma assoc_find_put_same : forall (d : A) k v l, assoc_find d k (assoc_put k v l) = v.
  Proof.
    intros d k v l; induction l as [| [k' v'] rest IH]; simpl.
    - rewrite Z.eqb_refl; reflexivity.
    - destruct (k =? k') eqn:E; simpl; [rewrite Z.eqb_refl; reflexivity |].
      destruct (k <? k') eqn:L; simpl; [rewrite Z.eqb_refl; reflexivity |].
      rewrite E, L; exact IH.
  Qed.

  Lemma assoc_find_put_other : forall (d : A) k k2 v l, k2 <> k ->
    assoc_find d k2 (assoc_put k v l) = assoc_find d k2 l.
  Proof.
    intros d k k2 v l Hne; induction l as [| [k' v'] rest IH]; simpl.
    - apply Z.eqb_neq in Hne; rewrite Hne.
      destruct (k2 <? k); reflexivity.
    - destruct (k =? k') eqn:E.
      + apply Z.eqb_eq in E; subst k'. simpl.
        apply Z.eqb_neq in Hne as Hne'; rewrite Hne'; reflexivity.
      + destruct (k <? k') eqn:L; simpl.
        * apply Z.eqb_neq in Hne as Hne'; rewrite Hne'.
          destruct (k2 <? k) eqn:L2; [| reflexivity].
          apply Z.ltb_lt in L; apply Z.ltb_lt in L2.
          assert (k2 =? k' = false) as -> by (apply Z.eqb_neq; lia).
          assert (k2 <? k' = true) as -> by (apply Z.ltb_lt; lia).
          reflexivity.
        * destruct (k2 =? k'); [reflexivity |].
          destruct (k2 <? k'); [reflexivity | exact IH].
  Qed.
End Laws.
