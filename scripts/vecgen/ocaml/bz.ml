(* Coq's Z and positive on zarith integers, for the extracted model.
   Coq semantics: floor division with x / 0 = 0 and x mod 0 = x; shifts by a
   negative count shift the other way. *)

type t = Z.t

let zero = Z.zero
let one = Z.one
let xI p = Z.succ (Z.shift_left p 1)
let xO p = Z.shift_left p 1
let of_pos p = p
let of_neg p = Z.neg p

(* match on a positive: 2p+1, 2p or 1 *)
let pos_case f_i f_o f_h p =
  if Z.equal p Z.one then f_h ()
  else if Z.is_odd p then f_i (Z.shift_right p 1)
  else f_o (Z.shift_right p 1)

(* match on a Z: zero, positive, negative (given its absolute value) *)
let z_case f_0 f_p f_n z =
  let s = Z.sign z in
  if s = 0 then f_0 () else if s > 0 then f_p z else f_n (Z.neg z)

let add = Z.add
let sub = Z.sub
let mul = Z.mul
let div a b = if Z.sign b = 0 then Z.zero else Z.fdiv a b
let modulo a b = if Z.sign b = 0 then a else Z.sub a (Z.mul b (Z.fdiv a b))
let logand = Z.logand
let logor = Z.logor
let logxor = Z.logxor
let shiftl a n =
  if Z.sign n >= 0 then Z.shift_left a (Z.to_int n) else Z.shift_right a (Z.to_int (Z.neg n))
let shiftr a n =
  if Z.sign n >= 0 then Z.shift_right a (Z.to_int n) else Z.shift_left a (Z.to_int (Z.neg n))
let eqb = Z.equal
let leb = Z.leq
let ltb = Z.lt
let to_nat z = if Z.sign z <= 0 then 0 else Z.to_int z
let of_nat n = Z.of_int n
