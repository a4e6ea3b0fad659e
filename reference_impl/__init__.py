"""The reference after-sales system of caaad: conforms to every automated or hybrid obligation the suite has a
scenario for (clauses 4, 5.1 to 5.5) and to the adapter contract. Its decisions are the pure rules in rules/;
the kit's default adapter is caaad.reference_impl.adapter:ReferenceAdapter."""
