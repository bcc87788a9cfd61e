package arena.shared;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component added after its record first shipped: a record written before has no such field, and
 * {@link Json} decodes it with the default registered there for the component's type, instead of calling it
 * malformed. Only the constructor parameter carries it, so Jackson never tries to set a record's final field.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@JacksonAnnotationsInside
@JacksonInject(useInput = OptBoolean.TRUE)
public @interface AddedLater {}
