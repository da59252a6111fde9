// The SupportKitParsing module. Its types live in the other files of this folder.
import SupportKit
