/** The read-model store of this process (libs/read-store), provided by ReadModelStoreModule. */
export const READ_MODEL_STORE = Symbol('READ_MODEL_STORE');
