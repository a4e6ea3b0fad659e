"""The reference after-sales system of caaad: conforms to clause 5.4 and to the adapter contract.
The kit's default adapter is caaad.reference_impl.adapter:ReferenceAdapter."""
